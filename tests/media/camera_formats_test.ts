import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { chooseCameraFormat, parseCameraCaps } from "../../lib/media/camera_formats.ts";

/**
 * Caps as GStreamer's device monitor reports them (v4l2src), transcribed from the cameras' published
 * `v4l2-ctl --list-formats-ext` listings (not captured from hardware here: no camera on this machine).
 * A Logitech C920: YUYV, MJPEG and H.264 (UVC), H.264 and MJPEG at 30 fps up to 1080p, YUYV 1080p at 5.
 */
const C920 = [
  "video/x-raw, format=(string)YUY2, width=(int)640, height=(int)480, pixel-aspect-ratio=(fraction)1/1, " +
  "framerate=(fraction){ 30/1, 24/1, 20/1, 15/1, 10/1, 15/2, 5/1 }",
  "video/x-raw, format=(string)YUY2, width=(int)1280, height=(int)720, pixel-aspect-ratio=(fraction)1/1, " +
  "framerate=(fraction){ 10/1, 15/2, 5/1 }",
  "video/x-raw, format=(string)YUY2, width=(int)1920, height=(int)1080, pixel-aspect-ratio=(fraction)1/1, " +
  "framerate=(fraction)5/1",
  "image/jpeg, width=(int)1920, height=(int)1080, pixel-aspect-ratio=(fraction)1/1, " +
  "framerate=(fraction){ 30/1, 24/1, 20/1, 15/1, 10/1, 15/2, 5/1 }",
  "image/jpeg, width=(int)1280, height=(int)720, pixel-aspect-ratio=(fraction)1/1, " +
  "framerate=(fraction){ 30/1, 24/1, 20/1, 15/1, 10/1, 15/2, 5/1 }",
  "video/x-h264, stream-format=(string)byte-stream, alignment=(string)au, width=(int)1920, height=(int)1080, " +
  "pixel-aspect-ratio=(fraction)1/1, framerate=(fraction){ 30/1, 24/1, 20/1, 15/1, 10/1, 15/2, 5/1 }",
  "video/x-h264, stream-format=(string)byte-stream, alignment=(string)au, width=(int)1280, height=(int)720, " +
  "pixel-aspect-ratio=(fraction)1/1, framerate=(fraction){ 30/1, 24/1, 20/1, 15/1, 10/1, 15/2, 5/1 }",
  "video/x-h264, stream-format=(string)byte-stream, alignment=(string)au, width=(int)640, height=(int)480, " +
  "pixel-aspect-ratio=(fraction)1/1, framerate=(fraction){ 30/1, 24/1, 20/1, 15/1, 10/1, 15/2, 5/1 }",
].join("; ");

/** A generic MJPEG-only "USB 2.0 Camera" module (the common ROV-housing board kind). */
const MJPEG_ONLY = [
  "image/jpeg, width=(int)1920, height=(int)1080, pixel-aspect-ratio=(fraction)1/1, framerate=(fraction){ 30/1, 25/1 }",
  "image/jpeg, width=(int)1280, height=(int)720, pixel-aspect-ratio=(fraction)1/1, framerate=(fraction){ 60/1, 30/1 }",
  "image/jpeg, width=(int)640, height=(int)480, pixel-aspect-ratio=(fraction)1/1, framerate=(fraction)30/1",
].join("; ");

/** A YUYV-only analogue capture adapter (EasyCap-style): NTSC and PAL sizes. */
const YUYV_ONLY = [
  "video/x-raw, format=(string)YUY2, width=(int)720, height=(int)480, framerate=(fraction)30000/1001",
  "video/x-raw, format=(string)YUY2, width=(int)720, height=(int)576, framerate=(fraction)25/1",
  "video/x-raw, format=(string)YUY2, width=(int)640, height=(int)480, framerate=(fraction)30000/1001",
].join("; ");

Deno.test("parseCameraCaps reads each kind, size and rate list from device-monitor caps", () => {
  const formats = parseCameraCaps(C920);
  assertEquals(formats.length, 8);
  assertEquals(formats[0], {
    kind: "raw",
    width: 640,
    height: 480,
    fps: [30, 24, 20, 15, 10, 7.5, 5],
    pixelFormat: "YUY2",
  });
  assertEquals(formats.filter((f) => f.kind === "h264").map((f) => `${f.width}x${f.height}`), [
    "1920x1080",
    "1280x720",
    "640x480",
  ]);
  assertEquals(parseCameraCaps(YUYV_ONLY)[0].fps, [30000 / 1001]);
  assertEquals(
    parseCameraCaps("video/x-bayer, width=(int)640, height=(int)480"),
    [],
    "other media are skipped",
  );
  assertEquals(parseCameraCaps("garbage; ;"), []);
});

Deno.test("chooseCameraFormat sends an H.264 camera's own stream whenever it gives the size and rate", () => {
  const formats = parseCameraCaps(C920);
  for (const [width, height] of [[1920, 1080], [1280, 720], [640, 480]]) {
    const choice = chooseCameraFormat(formats, { width, height, fps: 30 })!;
    assertEquals([choice.format.kind, choice.format.width, choice.fps], ["h264", width, 30]);
    assertMatch(
      choice.reason,
      /^H264 \d+x\d+@30: the camera's H.264 is sent as it is \(no decode, no encode\)/,
    );
  }
  const native = chooseCameraFormat(formats, { width: 0, height: 0, fps: 30 })!;
  assertEquals([native.format.kind, native.format.width], ["h264", 1920], "0 0: the largest size");
  // 1080p60 is not on offer: the nearest, and the log says so.
  const sixty = chooseCameraFormat(formats, { width: 1920, height: 1080, fps: 60 })!;
  assertEquals([sixty.format.kind, sixty.fps], ["h264", 30]);
  assertMatch(sixty.reason, /the nearest the camera offers to 1920x1080@60/);
});

Deno.test("chooseCameraFormat decodes an MJPEG-only camera's JPEG once and scales to sizes it lacks", () => {
  const formats = parseCameraCaps(MJPEG_ONLY);
  const hd = chooseCameraFormat(formats, { width: 1280, height: 720, fps: 60 })!;
  assertEquals([hd.format.kind, hd.format.width, hd.fps], ["mjpeg", 1280, 60]);
  assertMatch(hd.reason, /MJPEG is decoded and encoded once/);
  const odd = chooseCameraFormat(formats, { width: 800, height: 600, fps: 30 })!;
  assertEquals(
    [odd.format.width, odd.format.height, odd.fps],
    [1280, 720, 30],
    "the smallest size covering it",
  );
  assertMatch(odd.reason, /scaled to the requested size/);
});

Deno.test("chooseCameraFormat encodes a YUYV-only camera's raw frames, at NTSC's 29.97", () => {
  const formats = parseCameraCaps(YUYV_ONLY);
  const ntsc = chooseCameraFormat(formats, { width: 720, height: 480, fps: 29.97 })!;
  assertEquals([ntsc.format.kind, ntsc.format.pixelFormat], ["raw", "YUY2"]);
  assertMatch(ntsc.reason, /^RAW 720x480@29\.97: raw frames are encoded once/);
  const native = chooseCameraFormat(formats, { width: 0, height: 0, fps: 25 })!;
  assertEquals([native.format.width, native.format.height, native.fps], [720, 576, 25]);
  assert(chooseCameraFormat([], { width: 640, height: 480, fps: 30 }) === undefined, "no formats, no choice");
});

Deno.test("chooseCameraFormat prefers raw over MJPEG at the same size and rate (one encode, not two steps)", () => {
  const both = parseCameraCaps(
    "image/jpeg, width=(int)640, height=(int)480, framerate=(fraction)30/1; " +
      "video/x-raw, format=(string)YUY2, width=(int)640, height=(int)480, framerate=(fraction)30/1",
  );
  const choice = chooseCameraFormat(both, { width: 640, height: 480, fps: 30 })!;
  assertEquals(choice.format.kind, "raw");
  assertMatch(choice.reason, /\(also offered: mjpeg\)/);
});
