import { assert, assertEquals, assertMatch, assertThrows } from "../support/assert.ts";
import { RtspServer } from "../../lib/ffi/rtsp_server.ts";
import { ffmpegRtsp } from "../support/media_probe.ts";

const TEST_MOUNT = {
  path: "/test",
  launch: "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! " +
    "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! rtph264pay name=pay0 pt=96 )",
};

Deno.test("RtspServer serves a mount that ffmpeg decodes and frees its port on close", async () => {
  const server = RtspServer.start({ address: "127.0.0.1", port: 0, mounts: [TEST_MOUNT] });
  const port = server.port;
  try {
    assert(port > 0, "a port of its own");
    const ffmpeg = await ffmpegRtsp(`rtsp://127.0.0.1:${port}/test`, "tcp", 10);
    assertEquals(ffmpeg.code, 0, ffmpeg.stderr);
    assertMatch(ffmpeg.stderr, /Video: h264.*320x240/);
  } finally {
    await server.close();
    await server.close(); // safe twice
  }
  assertEquals(server.sessions, 0);
  Deno.listen({ hostname: "127.0.0.1", port }).close(); // the port is free again
});

Deno.test("RtspServer.start says why it cannot listen on a port in use", () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    assertThrows(
      () => RtspServer.start({ address: "127.0.0.1", port, mounts: [TEST_MOUNT] }),
      new RegExp(`^GstError: Cannot serve RTSP on 127\\.0\\.0\\.1:${port}: .*in use`),
    );
  } finally {
    taken.close();
  }
});
