import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  cameraH264Description,
  chooseJpegDecoder,
  fpsFraction,
  isMpegTs,
  isRestartable,
  pipelineGivesH264,
  sourceDescription,
  sourceLabel,
} from "../../lib/media/source.ts";

Deno.test("pipelineGivesH264 tells a --pipeline ending in H.264 from one giving raw video or JPEG", () => {
  for (
    const h264 of [
      "v4l2src device=/dev/video2 ! video/x-h264,width=1920,height=1080,framerate=30/1",
      "videotestsrc ! x264enc tune=zerolatency",
      "v4l2src ! video/x-raw ! v4l2h264enc",
      "rtspsrc location=rtsp://cam/1 ! rtph264depay",
      "filesrc location=dive.h264 ! h264parse",
    ]
  ) assert(pipelineGivesH264(h264), h264);
  for (
    const other of [
      "v4l2src device=/dev/video2 ! image/jpeg",
      "videotestsrc ! video/x-raw,width=640,height=480",
      "v4l2src ! video/x-h264 ! avdec_h264",
    ]
  ) assert(!pipelineGivesH264(other), other);
});

Deno.test("an RTSP camera is restartable and named by its URL in the log", () => {
  assert(isRestartable("rtsp"));
  assertEquals(
    sourceLabel({ source: "rtsp", device: 0, os: "linux", url: "rtsp://10.0.0.5/stream1" }),
    "The RTSP camera rtsp://10.0.0.5/stream1",
  );
});

const camera = {
  source: "webcam" as const,
  device: 2,
  width: 1280,
  height: 720,
  fps: 30,
  os: "linux" as const,
};

Deno.test("sourceDescription asks a camera for its chosen raw or MJPEG mode, MJPEG through the chosen decoder", () => {
  const mjpeg = sourceDescription({
    ...camera,
    cameraMode: { kind: "mjpeg", width: 1280, height: 720, fps: 30 },
    jpegDecoder: "v4l2jpegdec",
  });
  assertMatch(
    mjpeg,
    /^v4l2src device=\/dev\/video2 ! image\/jpeg,width=1280,height=720,framerate=30\/1 ! v4l2jpegdec ! /,
  );
  const ntsc = sourceDescription({
    ...camera,
    cameraMode: { kind: "raw", width: 720, height: 480, fps: 30000 / 1001, pixelFormat: "YUY2" },
  });
  assertMatch(
    ntsc,
    /^v4l2src device=\/dev\/video2 ! video\/x-raw,format=YUY2,width=720,height=480,framerate=30000\/1001 ! /,
  );
  assertMatch(sourceDescription(camera), /^v4l2src device=\/dev\/video2 ! decodebin/, "no mode: decodebin");
});

Deno.test("cameraH264Description takes the camera's own H.264 mode into access units, decoding nothing", () => {
  const text = cameraH264Description({
    ...camera,
    cameraMode: { kind: "h264", width: 1920, height: 1080, fps: 30 },
  });
  assertEquals(
    text,
    'v4l2src device=/dev/video2 extra-controls="c,h264_i_frame_period=30,video_gop_size=30" ! ' +
      "video/x-h264,width=1920,height=1080,framerate=30/1 ! h264parse config-interval=-1 ! " +
      "video/x-h264,stream-format=byte-stream,alignment=au",
  );
  assertEquals(fpsFraction(29.97), "30000/1001");
  // Elsewhere the camera element takes no V4L2 controls.
  assertMatch(
    cameraH264Description({
      ...camera,
      os: "darwin",
      cameraMode: { kind: "h264", width: 1280, height: 720, fps: 15 },
    }),
    /^avfvideosrc device-index=2 ! video\/x-h264,width=1280,height=720,framerate=15\/1 ! /,
  );
});

Deno.test("chooseJpegDecoder takes a hardware JPEG decoder first, else jpegdec", () => {
  assertEquals(chooseJpegDecoder((e) => e === "v4l2jpegdec" || e === "jpegdec"), "v4l2jpegdec");
  assertEquals(chooseJpegDecoder(() => false), "jpegdec");
});

Deno.test("isMpegTs knows MPEG-TS and M2TS by their sync bytes, and not MP4", () => {
  const ts = new Uint8Array(188 * 3).map((_, i) => i % 188 === 0 ? 0x47 : 0);
  const m2ts = new Uint8Array(192 * 3).map((_, i) => i % 192 === 4 ? 0x47 : 0);
  const mp4 = new TextEncoder().encode("\x00\x00\x00\x20ftypisom".padEnd(600, "\x00"));
  assert(isMpegTs(ts) && isMpegTs(new Uint8Array([...ts, 0x47])));
  assert(isMpegTs(new Uint8Array([...m2ts, 0, 0, 0, 0, 0x47])));
  assert(!isMpegTs(mp4) && !isMpegTs(ts.subarray(0, 200)) && !isMpegTs(new Uint8Array()));
});
