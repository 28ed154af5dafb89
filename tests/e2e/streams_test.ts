/** Several cameras from one server (--stream): each its own encode, addressed by name everywhere. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { freeTcpPort, lastStatus, runClient, startServer, viewerArgs } from "../support/processes.ts";
import { launchChromium } from "../../bench/chromium.ts";
import { ffmpegRtsp } from "../support/media_probe.ts";

interface StreamStatus {
  name: string;
  encoder: string | null;
  width: number;
  framesEncoded: number;
  viewers: unknown[];
  rtsp: string | null;
}

const DOWN = "down:source=test,width=320,height=240,bitrate=400";

Deno.test("rov-server --stream serves two cameras: rov-client --stream gets each, /api/status shows two encoders with their own figures", async () => {
  const rtspPort = freeTcpPort();
  const server = await startServer(["--stream", DOWN, "--rtsp-port", String(rtspPort)]);
  try {
    // Logged just after the signalling line startServer waits for.
    await server.stderr.wait(/Stream "down": test 320x240@30 H\.264 x264enc 400 kbit\/s; POST \/whep\/down/);
    const first = await runClient(viewerArgs(server, "--frames", "15"));
    assertEquals(first.code, 0, first.stderr);
    assertEquals(lastStatus(first.stdout).size, "640x360");
    for (const engine of ["gstreamer", "werift"]) {
      const down = await runClient(
        viewerArgs(server, "--stream", "down", "--frames", "15", "--webrtc-engine", engine),
      );
      assertEquals(down.code, 0, down.stderr);
      assertEquals(lastStatus(down.stdout).size, "320x240", `${engine}: ${down.stdout}`);
    }
    // RTSP serves each stream at its own path.
    const rtsp = await ffmpegRtsp(`rtsp://127.0.0.1:${rtspPort}/down`, "tcp", 10);
    assertEquals(rtsp.code, 0, rtsp.stderr);
    assertMatch(rtsp.stderr, /Video: h264.*320x240/);
    const status = await (await fetch(`${server.url}/api/status`)).json();
    const streams = status.streams as StreamStatus[];
    assertEquals(streams.map((s) => [s.name, s.encoder, s.width]), [
      ["video", "x264enc", 640],
      ["down", "x264enc", 320],
    ]);
    assertEquals(streams.map((s) => s.rtsp), [
      `rtsp://127.0.0.1:${rtspPort}/video`,
      `rtsp://127.0.0.1:${rtspPort}/down`,
    ]);
    assert(streams.every((s) => s.framesEncoded > 30), JSON.stringify(streams.map((s) => s.framesEncoded)));
    // The first stream's figures stay at the top, as before streams had names.
    assertEquals([status.encoder, status.width], ["x264enc", 640]);
    // Unknown streams are refused with the list; a name that is not one is not a route.
    const unknown = await runClient(viewerArgs(server, "--stream", "up", "--frames", "1", "--no-reconnect"));
    assert(unknown.code !== 0);
    assertMatch(unknown.stderr, /No stream "up" here \(streams: video, down\)/);
    const bad = await fetch(`${server.url}/whep/UP`, {
      method: "POST",
      headers: { "content-type": "application/sdp" },
      body: "v=0",
    });
    await bad.body?.cancel();
    assertEquals(bad.status, 404);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("the viewer page plays two streams side by side in Chromium, each at its own size", async () => {
  const server = await startServer(["--stream", DOWN]);
  const { browser, close } = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/?view=all`);
    await tab.waitForFunction(
      `[...document.querySelectorAll("iframe")].length === 2 &&
        [...document.querySelectorAll("iframe")].every((f) => (f.contentWindow?.rovStats?.frames ?? 0) > 20)`,
      undefined,
      { timeout: 30_000 },
    );
    const sizes = await tab.evaluate(
      `[...document.querySelectorAll("iframe")].map((f) => {
        const v = f.contentDocument.getElementById("video");
        return v.videoWidth + "x" + v.videoHeight;
      })`,
    );
    assertEquals(sizes, ["640x360", "320x240"]);
    const status = await (await fetch(`${server.url}/api/status`)).json();
    assertEquals((status.streams as StreamStatus[]).map((s) => s.viewers.length), [1, 1]);
    // The picker switches to one stream.
    await tab.goto(`${server.url}/?stream=down`);
    await tab.waitForFunction(`document.getElementById("video").videoWidth === 320`, undefined, {
      timeout: 20_000,
    });
    const options = await tab.evaluate(`[...document.getElementById("streams").options].map((o) => o.value)`);
    assertEquals(options, ["video", "down", "*"]);
  } finally {
    await close();
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});
