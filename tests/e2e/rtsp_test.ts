/**
 * RTSP from the one encode: ffmpeg and GStreamer's rtspsrc decode rtsp://127.0.0.1:PORT/video over
 * UDP and over TCP while a WebRTC viewer keeps playing, and the server still runs one encoder.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { CLIENT, freeTcpPort, lastStatus, start, startServer, viewerArgs } from "../support/processes.ts";
import { ffmpegRtsp, rtspsrcRtsp } from "../support/media_probe.ts";

Deno.test("rov-server serves RTSP from its one encode to ffmpeg and rtspsrc, over UDP and TCP, beside a WebRTC viewer", async () => {
  const rtspPort = freeTcpPort();
  const server = await startServer(["--rtsp-port", String(rtspPort)]);
  const viewer = start(CLIENT, viewerArgs(server, "--duration", "60"));
  try {
    const url = `rtsp://127.0.0.1:${rtspPort}/video`;
    assertMatch(server.stderr.text, new RegExp(`RTSP ${url.replace("127.0.0.1", "[^ ]+")}`));
    await viewer.stdout.wait(/frames [1-9]/);
    for (const transport of ["udp", "tcp"] as const) {
      const t0 = performance.now();
      const played = await ffmpegRtsp(url, transport, 60);
      assertEquals(played.code, 0, played.stderr);
      assertMatch(played.stderr, /Video: h264.*640x360/);
      assertMatch(played.stderr, /frame=\s*60/);
      console.log(`ffmpeg over ${transport}: 60 frames in ${(performance.now() - t0).toFixed(0)} ms`);
      const decoded = await rtspsrcRtsp(url, transport, 60);
      assertEquals(decoded.decoded, 60, decoded.stderr + decoded.stdout.slice(-2000));
      assertMatch(decoded.stdout, /Got EOS from element "pipeline0"/);
    }
    const status = await (await fetch(`${server.url}/api/status`)).json();
    assertEquals(status.encoder, "x264enc", "one encoder, named once");
    assertEquals(status.rtsp.urls, [url]);
    assert(status.rtsp.sessionsStarted >= 4, JSON.stringify(status.rtsp));
    assertEquals(status.viewers.length, 1, "the WebRTC viewer is still there");
    const before = lastStatus(viewer.stdout.text).frames;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert(lastStatus(viewer.stdout.text).frames > before + 30, "the WebRTC viewer plays on");
  } finally {
    await viewer.stop();
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("rov-server explains an RTSP port in use in one line and keeps serving WebRTC", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const server = await startServer(["--rtsp-port", String(port)]);
    try {
      assertMatch(
        server.stderr.text,
        new RegExp(`RTSP off: cannot serve RTSP on 127\\.0\\.0\\.1:${port}: .*in use`, "i"),
      );
      const status = await (await fetch(`${server.url}/api/status`)).json();
      assertEquals(status.rtsp, null);
    } finally {
      assertEquals(await server.stop(), 0, server.stderr.text);
    }
  } finally {
    taken.close();
  }
});
