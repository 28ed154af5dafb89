import { assertEquals } from "../support/assert.ts";
import { describeMediaError } from "../../lib/media/media_error.ts";
import type { SourceOptions } from "../../lib/media/source.ts";

const camera: SourceOptions = { source: "webcam", device: 0, width: 1280, height: 720, fps: 30, os: "linux" };

Deno.test("describeMediaError names the package of a missing plugin", () => {
  assertEquals(
    describeMediaError('no element "x264enc"', undefined, { os: "linux" }),
    'GStreamer plugin "x264enc" is missing: install gstreamer1.0-plugins-ugly',
  );
  assertEquals(
    describeMediaError('no element "avdec_h264"', undefined, { os: "linux" }),
    'GStreamer plugin "avdec_h264" is missing: install gstreamer1.0-libav',
  );
});

Deno.test("describeMediaError tells a busy camera from an absent one and suggests the test source", () => {
  assertEquals(
    describeMediaError(
      "Could not open device '/dev/video0' for reading and writing.",
      "Device or resource busy",
      { os: "linux", source: camera },
    ),
    "Cannot open camera /dev/video0: device is busy (try --source test)",
  );
  assertEquals(
    describeMediaError("Cannot identify device '/dev/video7'.", "system error: No such file or directory", {
      os: "linux",
      source: { ...camera, device: 7 },
    }),
    "Cannot open camera /dev/video7: no such camera (try --source test, or another --device)",
  );
});

Deno.test("describeMediaError explains files that are missing or not video", () => {
  const file: SourceOptions = { ...camera, source: "file", file: "dive.mp4" };
  assertEquals(
    describeMediaError("Resource not found.", 'No such file "dive.mp4"', { os: "linux", source: file }),
    "Cannot open file dive.mp4: no such file",
  );
  assertEquals(
    describeMediaError("Could not determine type of stream.", undefined, { os: "linux", source: file }),
    "Cannot play file dive.mp4: not a video file GStreamer can decode",
  );
});

Deno.test("describeMediaError keeps GStreamer's text for anything else", () => {
  assertEquals(
    describeMediaError("Internal data stream error.", "a\nstreaming stopped", { os: "linux" }),
    "GStreamer error: Internal data stream error (streaming stopped)",
  );
});

Deno.test("describeMediaError calls a text file not a video file", () => {
  const file: SourceOptions = { ...camera, source: "file", file: "notes.mp4" };
  assertEquals(
    describeMediaError("This appears to be a text file", "decodebin cannot decode plain text files", {
      os: "linux",
      source: file,
    }),
    "Cannot play file notes.mp4: not a video file GStreamer can decode",
  );
});
