import { assert, assertEquals } from "../support/assert.ts";
import { isRestartable, pipelineGivesH264, sourceLabel } from "../../lib/media/source.ts";

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
