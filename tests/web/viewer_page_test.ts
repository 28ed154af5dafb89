/** The browser viewer rov-server shows at `/`, in a real Chromium (Debian's, driven by playwright-core). */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { CLIENT, start, startServer, viewerArgs } from "../support/processes.ts";
import { launchChromium } from "../../bench/chromium.ts";

for (const engine of ["gstreamer", "werift"] as const) {
  Deno.test(`the viewer page at / plays the stream in Chromium and shows its size, fps and bitrate (${engine} engine)`, async () => {
    const server = await startServer(["--width", "640", "--height", "360", "--webrtc-engine", engine]);
    const { browser, close } = await launchChromium();
    try {
      const tab = await browser.newPage();
      await tab.goto(`${server.url}/`);
      // The page replaces a session that shows nothing after 5 s, so allow for one replacement.
      await tab.waitForFunction(
        String
          .raw`/^640x360 \d+\.\d fps [\d.]+ Mbit\/s/.test(document.getElementById("status")?.textContent ?? "")`,
        undefined,
        { timeout: 25_000 },
      );
      const width = await tab.evaluate(`document.getElementById("video").videoWidth`);
      assertMatch(String(width), /^640$/);
    } finally {
      await close();
      await server.stop();
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PageFigures {
  latency: number[];
  p50?: number;
  frames: number;
  sessions: number;
}

Deno.test("the viewer page shows a live latency that agrees with rov-client's built-in figure, its tools, and reconnects after a server restart", async () => {
  const dir = await Deno.makeTempDir();
  const jsonl = `${dir}/client.jsonl`;
  let server = await startServer(["--record-dir", dir]);
  const client = start(CLIENT, viewerArgs(server, "--duration", "20", "--stats-json", jsonl));
  const { browser, close } = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.setViewportSize({ width: 960, height: 540 });
    await tab.goto(`${server.url}/`);
    await tab.waitForFunction(`(globalThis.rovStats?.latency.length ?? 0) >= 150`, undefined, {
      timeout: 30_000,
    });
    await sleep(3000);
    const page = await tab.evaluate(`globalThis.rovStats`) as PageFigures;
    const text = await tab.evaluate(`document.getElementById("latency-text").textContent`) as string;
    assertMatch(text, /^latency \d+\.\d ms · p50 \d+\.\d · p95 \d+\.\d$/);
    const since = Date.now() - 5000;
    const records = (await Deno.readTextFile(jsonl)).trim().split("\n").map((l) => JSON.parse(l))
      .filter((r) => r.at >= since && typeof r.builtInMs === "number");
    const builtIn = records.map((r) => r.builtInMs as number).sort((a, b) => a - b);
    const clientP50 = builtIn[Math.floor(builtIn.length / 2)];
    console.log(`page p50 ${page.p50?.toFixed(1)} ms, rov-client built-in p50 ${clientP50?.toFixed(1)} ms`);
    assert(builtIn.length > 50, `${builtIn.length} built-in figures from rov-client`);
    assert(Math.abs(page.p50! - clientP50) <= 5, `page ${page.p50} ms vs rov-client ${clientP50} ms`);

    // The picture and the figure are on the page: a screenshot, and the picture's own pixels vary.
    const shot = await tab.screenshot();
    assert(shot.byteLength > 10_000, "a screenshot with something on it");
    const spread = await tab.evaluate(`(() => {
      const v = document.getElementById("video");
      const c = document.createElement("canvas");
      c.width = v.videoWidth; c.height = v.videoHeight;
      const g = c.getContext("2d"); g.drawImage(v, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let min = 255, max = 0;
      for (let i = 0; i < d.length; i += 4 * 97) { min = Math.min(min, d[i]); max = Math.max(max, d[i]); }
      return max - min;
    })()`) as number;
    assert(spread > 50, "the picture is there, not a black box");
    const box = await tab.locator("#latency").boundingBox();
    assert(box && box.width > 50 && box.y >= 0 && box.y < 540, "the latency figure is on screen");

    // Record on and off from the page.
    await tab.click("#record");
    await tab.waitForFunction(`document.getElementById("record").classList.contains("on")`);
    assertEquals((await (await fetch(`${server.url}/api/recording`)).json()).recording, true);
    await tab.click("#record");
    await tab.waitForFunction(`!document.getElementById("record").classList.contains("on")`);

    // The server restarts on the same port: the page comes back by itself.
    const before = page.sessions;
    const port = server.port;
    server.child.kill("SIGKILL");
    await server.child.status;
    await Promise.all([server.stdout.done, server.stderr.done]);
    server = await startServer(["--signal-port", String(port), "--record-dir", dir]);
    const frames = (await tab.evaluate(`globalThis.rovStats.frames`)) as number;
    await tab.waitForFunction(
      `globalThis.rovStats.sessions > ${before} && globalThis.rovStats.frames > ${frames + 30}`,
      undefined,
      { timeout: 20_000 },
    );
  } finally {
    await close();
    await client.stop();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
