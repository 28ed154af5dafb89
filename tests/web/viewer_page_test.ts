/** The browser viewer rov-server shows at `/`, in a real Chromium (Debian's, driven by playwright-core). */
import { assertMatch } from "../support/assert.ts";
import { startServer } from "../support/processes.ts";
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
