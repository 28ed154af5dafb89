/** --file-passthrough end to end: an H.264 MP4 made here is sent as it is, over WebRTC and over RTP. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  freeRtpPort,
  freeTcpPort,
  freeUdpPort,
  lastStatus,
  rtpArgs,
  runClient,
  runToExit,
  SERVER,
  startServer,
  viewerArgs,
} from "../support/processes.ts";
import { ffmpegRtsp } from "../support/media_probe.ts";
import { freezes, readFrames } from "../support/lossy_net.ts";
import { stalledOffer } from "../support/stalled_peer.ts";

/** Encodes `seconds` of 640x360@30 test video into an H.264 file (container from the extension). */
async function makeVideo(path: string, seconds: number, codec: "h264" | "vp8" = "h264"): Promise<void> {
  const mux = path.endsWith(".mp4") ? "mp4mux" : path.endsWith(".webm") ? "webmmux" : "mpegtsmux";
  const encoder = codec === "h264"
    ? "x264enc tune=zerolatency key-int-max=30 ! h264parse"
    : "vp8enc deadline=1";
  const out = await new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      ...`videotestsrc num-buffers=${
        seconds * 30
      } pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 ! ${encoder} ! ${mux} ! filesink location=${path}`
        .split(" "),
    ],
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

async function status(url: string) {
  return await (await fetch(`${url}/api/status`)).json();
}

const LOOP_CASES: { name: string; engine?: "gstreamer" | "werift" }[] = [
  { name: "WebRTC on the gstreamer engine", engine: "gstreamer" },
  { name: "WebRTC on the werift engine", engine: "werift" },
  { name: "RTP" },
];

for (const test of LOOP_CASES) {
  Deno.test(`a looping file over ${test.name} plays on across its loops without a gap, passed through or encoded`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      await makeVideo(`${dir}/dive.mp4`, 2);
      for (const passthrough of [true, false]) {
        const rtp = test.engine ? [] : rtpArgs(freeRtpPort());
        const engine = test.engine ? ["--webrtc-engine", test.engine] : [];
        const server = await startServer([
          ...["--source", "file", "--file", `${dir}/dive.mp4`, ...engine, ...rtp],
          ...(passthrough ? ["--file-passthrough"] : []),
        ]);
        try {
          assertMatch(server.stderr.text, passthrough ? /passthrough \(no encoder\)/ : /x264enc/);
          // 90 frames from a 60-frame file: it looped, in the same session, and the loop cost no
          // picture (every RTP timestamp and running time goes on rising across it: segment seeks).
          const stats = `${dir}/stats-${passthrough}.jsonl`;
          const args = rtp.length > 0
            ? [...rtp, "--headless"]
            : [...viewerArgs(server, "--no-reconnect"), ...engine];
          const client = await runClient([...args, "--frames", "90", "--stats-json", stats]);
          assertEquals(client.code, 0, `${client.stderr}\nrov-server:\n${server.stderr.text}`);
          const last = lastStatus(client.stdout);
          assert(last.frames >= 90, client.stdout);
          assertEquals(last.size, "640x360");
          const frames = await readFrames(stats);
          const gap = freezes(frames).longest;
          const builtInMs = frames.map((f) => f.builtInMs).filter((ms): ms is number => ms !== undefined);
          const worst = Math.max(...builtInMs);
          console.log(
            `${test.name}, ${passthrough ? "passed through" : "encoded"}: longest gap ${
              gap.toFixed(0)
            } ms, ` +
              `built-in latency of ${builtInMs.length} frames at most ${worst.toFixed(1)} ms`,
          );
          assert(gap < 200, `a ${gap} ms gap between frames`);
          if (rtp.length > 0) continue;
          // Capture times stay true across the loop (a segment's base missed: one file length too early).
          assert(builtInMs.length >= 45 && worst < 500, `built-in latency up to ${worst} ms`);
          assertEquals(server.stderr.text.match(/joined via/g)?.length, 1, server.stderr.text);
          const api = await status(server.url);
          assertEquals(api.webrtcEngine, test.engine);
          if (passthrough) {
            assertEquals([api.passthrough, api.encoder, api.bitrateKbps], [true, null, null]);
            // A file carries no pixel stamps: the server says so, and the client reads none.
            assertEquals(api.stamps, false);
            assert(!/latency p50 [\d.]+ ms p95 [\d.]+ ms \| built-in/.test(client.stdout), client.stdout);
          }
        } finally {
          assertEquals(await server.stop(), 0, server.stderr.text);
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("a looping file plays on across its loops while a gstreamer-engine viewer's handshake is pending", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await makeVideo(`${dir}/dive.mp4`, 1);
    for (const passthrough of [true, false]) {
      const server = await startServer([
        ...["--source", "file", "--file", `${dir}/dive.mp4`, "--webrtc-engine", "gstreamer"],
        ...(passthrough ? ["--file-passthrough"] : []),
      ]);
      try {
        // This viewer's transport waits for a handshake that never comes, across the file's loops.
        const response = await fetch(`${server.url}/offer`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: "offer", sdp: stalledOffer(freeUdpPort()) }),
        });
        assertEquals(response.status, 200, await response.text());
        // 60 frames of a 30-frame file: it looped, at least once while the first viewer waited.
        const client = await runClient([
          ...viewerArgs(server, "--no-reconnect", "--webrtc-engine", "gstreamer"),
          ...["--frames", "60"],
        ]);
        assertEquals(client.code, 0, `${client.stderr}\nrov-server:\n${server.stderr.text}`);
        assert(lastStatus(client.stdout).frames >= 60, client.stdout);
        assertMatch(server.stderr.text, /joined via \/offer \(2 watching\)/);
        assert(!/End of file/.test(server.stderr.text), server.stderr.text);
      } finally {
        assertEquals(await server.stop(), 0, server.stderr.text);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("passthrough over the gstreamer engine: frames decode with no encoder, over WebRTC and RTSP", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await makeVideo(`${dir}/dive.mp4`, 10);
    const file = ["--source", "file", "--file", `${dir}/dive.mp4`, "--file-passthrough"];
    const rtspPort = freeTcpPort();
    const server = await startServer([
      ...file,
      "--no-loop",
      "--webrtc-engine",
      "gstreamer",
      "--rtsp-port",
      String(rtspPort),
    ]);
    try {
      assertMatch(server.stderr.text, /passthrough \(no encoder\).*WebRTC on the gstreamer engine/);
      const client = await runClient(viewerArgs(server, "--webrtc-engine", "gstreamer", "--frames", "45"));
      assertEquals(client.code, 0, client.stderr);
      const last = lastStatus(client.stdout);
      assert(last.frames >= 45, client.stdout);
      assertEquals(last.size, "640x360");
      // RTSP passes the file's H.264 on as well.
      const rtsp = await ffmpegRtsp(`rtsp://127.0.0.1:${rtspPort}/video`, "tcp", 20);
      assertEquals(rtsp.code, 0, rtsp.stderr);
      assertMatch(rtsp.stderr, /frame=\s*20/);
      assertEquals((await status(server.url)).encoder, null, "no encoder");
    } finally {
      assertEquals(await server.stop(), 0, server.stderr.text);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("passthrough over RTP from an MPEG-TS file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Longer than the client watches: an MPEG-TS file loops with a flush, which over RTP can stall.
    await makeVideo(`${dir}/dive.ts`, 4);
    const port = String(freeRtpPort());
    const server = await startServer([
      "--source",
      "file",
      "--file",
      `${dir}/dive.ts`,
      "--file-passthrough",
      ...rtpArgs(port),
    ]);
    try {
      const client = await runClient([
        ...rtpArgs(port),
        "--headless",
        "--frames",
        "45",
      ]);
      assertEquals(client.code, 0, client.stderr);
      assert(lastStatus(client.stdout).frames >= 45, client.stdout);
      assertEquals((await status(server.url)).encoder, null);
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("passthrough of a file that is not H.264 says so in one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await makeVideo(`${dir}/dive.webm`, 1, "vp8");
    const server = await runToExit(SERVER, [
      "--source",
      "file",
      "--file",
      `${dir}/dive.webm`,
      "--file-passthrough",
      "--host",
      "127.0.0.1",
      "--signal-port",
      "0",
      "--no-discovery",
    ]);
    assertEquals(server.code, 1);
    assertMatch(
      server.stderr,
      /^rov-server: Cannot send file .*dive\.webm without re-encoding: it has no H\.264 video \(drop --file-passthrough\)\n$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a --pipeline ending in H.264 (a camera's own H.264) is sent as it is: rov-client and Chromium decode it, no encoder runs", async () => {
  // Stands in for an H.264 UVC camera at one of its modes (v4l2src ! video/x-h264,width=...).
  const camera =
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 ! " +
    "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! " +
    "video/x-h264,profile=constrained-baseline,width=640,height=360,framerate=30/1";
  const server = await startServer(["--source", "pipeline", "--pipeline", camera]);
  const { launchChromium } = await import("../../bench/chromium.ts");
  const { browser, close } = await launchChromium();
  try {
    assertMatch(server.stderr.text, /pipeline .*H\.264 passthrough \(no encoder\)/);
    const client = await runClient(viewerArgs(server, "--frames", "45"));
    assertEquals(client.code, 0, client.stderr);
    assertEquals(lastStatus(client.stdout).size, "640x360");
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/`);
    await tab.waitForFunction(`(document.getElementById("video")?.videoWidth ?? 0) === 640`, undefined, {
      timeout: 20_000,
    });
    const state = await status(server.url);
    assertEquals([state.encoder, state.passthrough], [null, true]);
  } finally {
    await close();
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});
