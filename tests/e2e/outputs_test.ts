/** Outputs are additive: one encode feeds WebRTC viewers and plain RTP (--rtp) at the same time. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  CLIENT,
  freeRtpPort,
  lastStatus,
  runClient,
  SERVER,
  start,
  startServer,
  viewerArgs,
} from "../support/processes.ts";
import { runTool } from "../support/media_probe.ts";

Deno.test("rov-server --rtp: a WebRTC viewer and ffmpeg through /stream.sdp decode at once from one encoder", async () => {
  const port = freeRtpPort();
  const server = await startServer(["--rtp", `127.0.0.1:${port}`]);
  const webrtc = start(CLIENT, viewerArgs(server, "--duration", "20"));
  try {
    assertMatch(
      server.stderr.text,
      new RegExp(`WebRTC on the gstreamer engine; RTP to 127\\.0\\.0\\.1:${port}`),
    );
    await webrtc.stdout.wait(/frames [1-9]\d* /, 15_000);
    const ffmpeg = await runTool("ffmpeg", [
      ...["-hide_banner", "-nostdin", "-protocol_whitelist", "file,http,tcp,udp,rtp"],
      ...["-i", `${server.url}/stream.sdp`, "-frames:v", "60", "-f", "null", "-"],
    ]);
    assertEquals(ffmpeg.code, 0, ffmpeg.stderr);
    assertMatch(ffmpeg.stderr, /Video: h264.*640x360/);
    assertMatch(ffmpeg.stderr, /frame=\s*60/);
    const status = await (await fetch(`${server.url}/api/status`)).json();
    assertEquals(status.encoder, "x264enc", "one encoder");
    assertEquals(status.streams.length, 1);
    const [webrtcOut, rtpOut] = status.outputs;
    assertEquals(webrtcOut, { kind: "webrtc", engine: "gstreamer", viewers: 1 });
    assertEquals([rtpOut.kind, rtpOut.host, rtpOut.port], ["rtp", "127.0.0.1", port]);
    assert(rtpOut.bytesSent > 50_000, `RTP bytes sent: ${rtpOut.bytesSent}`);
    assert(lastStatus(webrtc.stdout.text).frames > 30, "the WebRTC viewer played on");
  } finally {
    await webrtc.stop();
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("rov-server --stream NAME:…,rtp=HOST:PORT sends that camera's own RTP; /stream.sdp?stream=NAME describes it", async () => {
  const [first, second] = [freeRtpPort(), freeRtpPort()];
  const server = await startServer([
    ...["--rtp", `127.0.0.1:${first}`],
    ...["--stream", `down:source=test,width=320,height=240,bitrate=400,rtp=127.0.0.1:${second}`],
  ]);
  try {
    await server.stderr.wait(new RegExp(`Stream "down": .*; RTP to 127\\.0\\.0\\.1:${second}`));
    for (const [query, size] of [["", "640x360"], ["?stream=down", "320x240"]]) {
      const ffmpeg = await runTool("ffmpeg", [
        ...["-hide_banner", "-nostdin", "-protocol_whitelist", "file,http,tcp,udp,rtp"],
        ...["-i", `${server.url}/stream.sdp${query}`, "-frames:v", "30", "-f", "null", "-"],
      ]);
      assertEquals(ffmpeg.code, 0, ffmpeg.stderr);
      assertMatch(ffmpeg.stderr, new RegExp(`Video: h264.*${size}`));
    }
    const status = await (await fetch(`${server.url}/api/status`)).json();
    const ports = status.streams.map((s: { outputs: { kind: string; port?: number }[] }) =>
      s.outputs.filter((o) => o.kind === "rtp").map((o) => o.port)
    );
    assertEquals(ports, [[first], [second]], "each camera its own --rtp, none inherited");
    const unknown = await fetch(`${server.url}/stream.sdp?stream=up`);
    await unknown.body?.cancel();
    assertEquals(unknown.status, 404);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("rov-client --auto takes WebRTC from a server that sends both, and RTP with --prefer rtp", async () => {
  const port = freeRtpPort();
  const server = await startServer(["--rtp", `127.0.0.1:${port}`]);
  const auto = ["--auto", "--headless", "--frames", "30", "--discovery-port", String(server.discoveryPort)];
  const loopback = ["--discovery-address", "127.255.255.255"];
  try {
    const webrtc = await runClient([...auto, ...loopback]);
    assertEquals(webrtc.code, 0, webrtc.stderr);
    assertMatch(webrtc.stderr, /over WebRTC/);
    const rtp = await runClient([...auto, ...loopback, "--prefer", "rtp"]);
    assertEquals(rtp.code, 0, rtp.stderr);
    assertMatch(rtp.stderr, new RegExp(`over RTP 127\\.0\\.0\\.1:${port}`));
    assert(lastStatus(rtp.stdout).frames >= 30, rtp.stdout);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("rov-server --rtp and --forward refuse a malformed destination and the werift engine in one line", async () => {
  for (
    const [args, message] of [
      [["--rtp", "127.0.0.1"], /Invalid --rtp "127\.0\.0\.1": expected HOST:PORT/],
      [["--rtp", "127.0.0.1:5004", "--transport", "rtp"], /--rtp adds RTP next to WebRTC/],
    ] as const
  ) {
    const server = await runTool(Deno.execPath(), [
      ...["run", "-A", SERVER, "--source", "test"],
      ...["--host", "127.0.0.1", "--signal-port", "0", ...args],
    ]);
    assertEquals(server.code, 2, server.stderr);
    assertMatch(server.stderr, message);
  }
  for (const output of [["--rtp", "127.0.0.1:5004"], ["--forward", "janus://127.0.0.1:5004"]]) {
    const werift = await runTool(Deno.execPath(), [
      ...["run", "-A", SERVER, "--source", "test", "--host", "127.0.0.1", "--signal-port", "0"],
      ...["--rtsp-port", "0", "--no-discovery", ...output, "--webrtc-engine", "werift"],
    ]);
    assertEquals(werift.code, 2, werift.stderr);
    assertMatch(
      werift.stderr,
      new RegExp(`${output[0]} is sent from the gstreamer engine's tee: not with --webrtc-engine werift`),
    );
  }
});
