/**
 * Contender (e): Chromium (Debian `chromium`, driven by npm playwright-core) watches rov-server over
 * WHEP and reads each frame's pixel stamp with requestVideoFrameCallback and a canvas.
 */
import { type BrowserContext, chromium } from "playwright-core";
import type { Result, Setting } from "./contenders.ts";
import { startStampServer, withCpu } from "./contenders.ts";
import type { RunningServer } from "../tests/support/processes.ts";

const PAGE = new URL("whep_viewer.html", import.meta.url);

/** Chromium flags for a closed network: nothing contacted but loopback, WebRTC allowed on loopback. */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--allow-loopback-in-peer-connection",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  // Every tab is a viewer: none is throttled for being in the background (its frames then came at 3–5 fps).
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
];

/**
 * Debian's Chromium, headless, in a fresh profile; `close()` quits it and removes the profile.
 * `ignoreHTTPSErrors`: accept a test's self-signed certificate.
 */
export async function launchChromium(
  options: { ignoreHTTPSErrors?: boolean } = {},
): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const profile = await Deno.makeTempDir();
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
    ignoreHTTPSErrors: options.ignoreHTTPSErrors === true,
  });
  return {
    browser,
    async close() {
      await browser.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}

/**
 * A stamp server at `s` (with `options.serverArgs`), the WHEP viewer page served from loopback (a
 * secure context) by this process, and Chromium allowed to use WebRTC there; `use` gets them, and
 * everything is closed after.
 */
export async function withViewerPage<T>(
  s: Setting,
  use: (parts: { server: RunningServer; browser: BrowserContext; pageUrl: string }) => Promise<T>,
  options: { serverArgs?: string[] } = {},
): Promise<T> {
  const server = await startStampServer(s, options.serverArgs);
  const page = await Deno.readTextFile(PAGE);
  const http = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(page, { headers: { "content-type": "text/html" } }),
  );
  const { browser, close } = await launchChromium();
  try {
    await browser.grantPermissions(["camera", "microphone"]);
    return await use({ server, browser, pageUrl: `http://127.0.0.1:${http.addr.port}/` });
  } finally {
    await close();
    await http.shutdown();
    await server.stop();
  }
}

export function chromiumViewer(s: Setting): Promise<Result> {
  return withViewerPage(s, async ({ server, browser, pageUrl }) => {
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    const { value, cpu } = await withCpu({ server: server.child.pid }, async () => {
      await tab.evaluate(
        (url) => (globalThis as unknown as { start(u: string): Promise<void> }).start(url),
        `${server.url}/whep`,
      );
      // Measure for the set time once frames flow; say why if they never do.
      const flowing = await tab.waitForFunction(
        () => (globalThis as unknown as { samples: unknown[] }).samples.length > 0,
        undefined,
        { timeout: 15_000 },
      ).then(() => true, () => false);
      if (!flowing) {
        const state = await tab.evaluate(() =>
          (globalThis as unknown as { pc?: { connectionState: string } }).pc?.connectionState
        );
        throw new Error(`Chromium received no frames in 15 s (connection ${state})`);
      }
      await new Promise((r) => setTimeout(r, s.seconds * 1000));
      return await tab.evaluate(() => {
        const w = globalThis as unknown as { samples: (number | null)[]; firstFrameMs?: number };
        return { samples: w.samples, firstFrameMs: w.firstFrameMs };
      });
    });
    const latencies = value.samples.filter((v): v is number => typeof v === "number");
    return {
      name: "(e) Chromium over WHEP",
      latencies,
      cpu,
      firstFrameMs: value.firstFrameMs,
      note: latencies.length < value.samples.length / 2
        ? `stamps read on ${latencies.length} of ${value.samples.length} frames`
        : undefined,
    };
  });
}

/**
 * Chromium sessions one after another against one server: each opens a tab, offers over WHEP and
 * waits for its first frame; returns the time from offer to picture of each (undefined: none in 5 s).
 */
export function chromiumSessions(s: Setting, count: number): Promise<(number | undefined)[]> {
  return withViewerPage(s, async ({ server, browser, pageUrl }) => {
    const times: (number | undefined)[] = [];
    for (let i = 0; i < count; i++) {
      const tab = await browser.newPage();
      await tab.goto(pageUrl);
      await tab.evaluate(
        (url) => (globalThis as unknown as { start(u: string): Promise<void> }).start(url),
        `${server.url}/whep`,
      );
      const shown = await tab.waitForFunction(
        () => (globalThis as unknown as { pictureAfterOfferMs?: number }).pictureAfterOfferMs !== undefined,
        undefined,
        { timeout: 5000 },
      ).then(() => true, () => false);
      times.push(
        shown
          ? await tab.evaluate(() =>
            (globalThis as unknown as { pictureAfterOfferMs: number }).pictureAfterOfferMs
          )
          : undefined,
      );
      console.error(
        `Chromium session ${i + 1}/${count}: ${shown ? `${Math.round(times.at(-1)!)} ms` : "no picture"}`,
      );
      // Each hangs up before the next (as the viewer page does on leaving): the server's places free.
      await tab.evaluate(() => (globalThis as unknown as { stop(): Promise<void> }).stop());
      await tab.close();
    }
    return times;
  });
}
