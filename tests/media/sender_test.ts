import { assert, assertEquals, assertMatch, assertThrows } from "../support/assert.ts";
import { senderDescription } from "../../lib/media/sender.ts";
import {
  cameraElement,
  quote,
  rawCaps,
  sourceDescription,
  type SourceOptions,
} from "../../lib/media/source.ts";
import { chooseEncoder, encoderDescription, encoderProfile } from "../../lib/media/encoder.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";

const base: SourceOptions = { source: "test", device: 0, width: 1280, height: 720, fps: 30, os: "linux" };

Deno.test("sourceDescription builds a live, moving, noisy test pattern with a clock", () => {
  const text = sourceDescription(base);
  assertMatch(
    text,
    /^videotestsrc is-live=true pattern=smpte horizontal-speed=\d+ ! video\/x-raw,format=I420,width=1280,height=720,framerate=30\/1 ! mix.sink_0/,
  );
  assertMatch(
    text,
    /videotestsrc is-live=true pattern=snow ! video\/x-raw,format=I420,width=160,height=90,framerate=30\/1 ! mix.sink_1/,
  );
  assertMatch(
    text,
    /compositor name=mix sink_1::xpos=1120 sink_1::ypos=630 ! video\/x-raw,format=I420,width=1280,height=720/,
  );
  assertMatch(text, /clockoverlay/);
  assertMatch(sourceDescription({ ...base, width: 0, height: 0 }), /width=1920,height=1080/);
});

Deno.test("sourceDescription opens the camera of each OS by index", () => {
  assertEquals(cameraElement("linux", 2), "v4l2src device=/dev/video2");
  assertEquals(cameraElement("darwin", 1), "avfvideosrc device-index=1");
  assertEquals(cameraElement("windows", 0), "mfvideosrc device-index=0");
  assertMatch(
    sourceDescription({ ...base, source: "webcam", device: 3 }),
    /^v4l2src device=\/dev\/video3 ! decodebin/,
  );
});

Deno.test("sourceDescription paces a file in real time and quotes its path", () => {
  const text = sourceDescription({ ...base, source: "file", file: '/videos/dive "one".mp4' });
  assertMatch(text, /^filesrc location="\/videos\/dive \\"one\\".mp4" ! decodebin/);
  assertMatch(text, /clocksync$/);
  assertThrows(() => sourceDescription({ ...base, source: "file" }), /--file PATH is missing/);
  assertEquals(quote("a\\b"), '"a\\\\b"');
});

Deno.test("rawCaps leaves the size to the source when it is 0", () => {
  assertEquals(rawCaps(0, 0, 25), "video/x-raw,format=I420,framerate=25/1");
  assertEquals(rawCaps(640, 480, 30), "video/x-raw,format=I420,width=640,height=480,framerate=30/1");
});

Deno.test("encoderDescription sets x264 for zero latency, no B-frames and the bitrate", () => {
  const text = encoderDescription({
    encoder: "x264",
    bitrateKbps: 6000,
    fps: 30,
    lowLatency: true,
    maxQuality: false,
  });
  for (
    const part of [
      "tune=zerolatency",
      "bframes=0",
      "bitrate=6000",
      "key-int-max=60",
      "speed-preset=ultrafast",
    ]
  ) {
    assert(text.includes(part), `${part} in ${text}`);
  }
  assertMatch(text, /video\/x-h264,profile=constrained-baseline$/);
});

Deno.test("encoderDescription without low latency keeps B-frames off and allows lookahead", () => {
  const text = encoderDescription({
    encoder: "x264",
    bitrateKbps: 6000,
    fps: 30,
    lowLatency: false,
    maxQuality: true,
  });
  assert(!text.includes("zerolatency"));
  assert(text.includes("bframes=0"));
  assert(text.includes("rc-lookahead=10"));
  assertMatch(text, /profile=high$/);
});

Deno.test("encoderDescription gives openh264 its bitrate in bit/s", () => {
  const options = {
    encoder: "openh264" as const,
    bitrateKbps: 2500,
    fps: 25,
    lowLatency: true,
    maxQuality: true,
  };
  const text = encoderDescription(options);
  assertMatch(text, /^openh264enc name=encoder bitrate=2500000 gop-size=50/);
  assertEquals(encoderProfile(options), "constrained-baseline");
});

Deno.test("chooseEncoder prefers x264 and falls back to openh264", () => {
  assertEquals(chooseEncoder((e) => e === "x264enc" || e === "openh264enc"), "x264");
  assertEquals(chooseEncoder((e) => e === "openh264enc"), "openh264");
  assertEquals(chooseEncoder(() => false), undefined);
});

Deno.test("senderDescription drops frames instead of queueing in low-latency mode", () => {
  const options = {
    ...base,
    encoder: "x264" as const,
    bitrateKbps: 4000,
    lowLatency: true,
    maxQuality: false,
  };
  const text = senderDescription(options);
  assertMatch(text, /queue max-size-buffers=1 .*leaky=downstream ! videoconvert ! x264enc/);
  assertMatch(
    text,
    /rtph264pay name=pay pt=96 mtu=1200 config-interval=-1 aggregate-mode=zero-latency ! appsink name=rtp sync=false/,
  );
  assert(!senderDescription({ ...options, lowLatency: false }).includes("leaky"));
});

Deno.test("senderDescription parses in GStreamer for every source and encoder", async () => {
  for (const source of ["test", "webcam", "file"] as const) {
    for (const encoder of ["x264", "openh264"] as const) {
      const text = senderDescription({
        ...base,
        source,
        file: "/tmp/x.mp4",
        encoder,
        bitrateKbps: 2000,
        lowLatency: true,
        maxQuality: false,
      });
      const pipeline = new Pipeline(text);
      await pipeline.close();
    }
  }
});
