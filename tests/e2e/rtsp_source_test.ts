/**
 * `--source rtsp`: an IP camera (here gst-rtsp-server on loopback, started by the test through
 * lib/ffi) whose H.264 rov-server passes on as it comes; the camera stopped and started again costs
 * the viewer a moment of picture, never its session.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  CLIENT,
  freeTcpPort,
  lastStatus,
  runClient,
  start,
  startServer,
  viewerArgs,
} from "../support/processes.ts";
import { RtspServer } from "../../lib/ffi/rtsp_server.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** An H.264 IP camera: 640x360@30, a keyframe a second, as cameras send them. */
const CAMERA =
  "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 ! " +
  "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! video/x-h264,profile=constrained-baseline ! " +
  "rtph264pay name=pay0 pt=96 config-interval=-1 )";

Deno.test("rov-server --source rtsp passes an IP camera's H.264 on, and gets the picture back when the camera returns", async () => {
  const port = freeTcpPort();
  const camera = () =>
    RtspServer.start({ address: "127.0.0.1", port, mounts: [{ path: "/cam", launch: CAMERA }] });
  let ipcam = camera();
  const server = await startServer(["--source", "rtsp", "--url", `rtsp://127.0.0.1:${port}/cam`]);
  const client = start(CLIENT, viewerArgs(server, "--duration", "30"));
  try {
    assertMatch(server.stderr.text, /rtsp .*H\.264 passthrough \(no encoder\)/);
    assertMatch(server.stderr.text, /keyframes come at the camera's own interval/);
    await client.stdout.wait(/frames [1-9]\d\d? /, 15_000);
    const status = await (await fetch(`${server.url}/api/status`)).json();
    assertEquals([status.encoder, status.passthrough, status.keyFramesOnRequest], [null, true, false]);
    assertEquals(lastStatus(client.stdout.text).size, "640x360");

    await ipcam.close();
    await server.stderr.wait(/The RTSP camera rtsp:\/\/127\.0\.0\.1:\d+\/cam failed: .*retrying/, 10_000);
    await sleep(1500);
    ipcam = camera();
    const back = performance.now();
    await client.stderr.wait(/Picture back after/, 15_000);
    const ms = performance.now() - back;
    console.log(`picture back ${ms.toFixed(0)} ms after the camera`);
    assert(ms < 3000, `${ms} ms`);
    await server.stderr.wait(/The RTSP camera .* is back after/, 5000);
    assert(!/Reconnecting/.test(client.stderr.text), "the viewer kept its session");
  } finally {
    await client.stop();
    assertEquals(await server.stop(), 0, server.stderr.text);
    await ipcam.close();
  }
});

Deno.test("rov-server --source rtsp decodes and encodes an IP camera that sends MJPEG, not H.264", async () => {
  const port = freeTcpPort();
  const ipcam = RtspServer.start({
    address: "127.0.0.1",
    port,
    mounts: [{
      path: "/mjpeg",
      launch:
        "( videotestsrc is-live=true ! video/x-raw,format=I420,width=640,height=360,framerate=30/1 ! jpegenc ! " +
        "rtpjpegpay name=pay0 pt=26 )",
    }],
  });
  const url = `rtsp://127.0.0.1:${port}/mjpeg`;
  const server = await startServer(["--source", "rtsp", "--url", url, "--width", "640", "--height", "360"]);
  try {
    assertMatch(
      server.stderr.text,
      /The RTSP camera .* sends JPEG, not H\.264: decoding it and encoding H\.264 once/,
    );
    const played = await runClient(viewerArgs(server, "--frames", "20"));
    assertEquals(played.code, 0, played.stderr);
    assertEquals(lastStatus(played.stdout).size, "640x360");
    const status = await (await fetch(`${server.url}/api/status`)).json();
    assertEquals([status.encoder, status.passthrough, status.keyFramesOnRequest], ["x264enc", false, true]);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
    await ipcam.close();
  }
});

Deno.test("rov-server --source rtsp without a URL, or with one that is not RTSP, says so in one line", async () => {
  for (
    const [args, message] of [
      [["--source", "rtsp"], /^rov-server: --source rtsp needs --url rtsp:\/\/CAMERA\/PATH\n/],
      [
        ["--source", "rtsp", "--url", "http://cam/x"],
        /^rov-server: Invalid --url "http:\/\/cam\/x": expected rtsp:/,
      ],
    ] as const
  ) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../server.ts", import.meta.url).pathname, ...args],
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEquals(out.code, 2);
    assertMatch(new TextDecoder().decode(out.stderr), message);
  }
});
