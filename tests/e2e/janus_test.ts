/**
 * Scale-out through Janus: rov-server sends one RTP stream (--forward janus://…) to a Janus streaming
 * mountpoint on loopback, viewers watch through Janus, not the vehicle, and Janus's keyframe
 * requests (RTCP PLI, when a viewer starts) come back to the vehicle's encoder.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { startServer } from "../support/processes.ts";
import { hasJanus, janusViewerScript, startJanus } from "../support/janus.ts";
import { launchChromium } from "../../bench/chromium.ts";
import { findServer } from "../../lib/discovery/browser.ts";

const AIORTC_VIEWER = new URL("../peers/aiortc_viewer.py", import.meta.url).pathname;

Deno.test({
  name:
    "through Janus, 4 Chromium viewers and aiortc decode while the vehicle sends one RTP stream, serves no viewer itself and hears Janus's keyframe requests",
  ignore: !(await hasJanus()),
  async fn() {
    await using janus = await startJanus();
    const server = await startServer(["--forward", `janus://127.0.0.1:${janus.videoPort}`]);
    const forwardStatus = async () =>
      ((await (await fetch(`${server.url}/api/status`)).json()).outputs as {
        kind: string;
        bytesSent: number;
        keyFrameRequests: number;
        heard: boolean;
      }[]).filter((o) => o.kind === "janus");
    const { browser, close } = await launchChromium();
    /** The vehicle's RTP bytes a second over `ms`, from its /api/status. */
    const upstream = async (ms: number) => {
      const sent = async () => (await forwardStatus())[0].bytesSent;
      const before = await sent();
      await new Promise((resolve) => setTimeout(resolve, ms));
      return (await sent() - before) / (ms / 1000);
    };
    try {
      assertMatch(
        server.stderr.text,
        new RegExp(`forward to Janus 127.0.0.1:${janus.videoPort} \\(RTCP ${janus.videoPort + 1}\\)`),
      );
      // The beacon says the stream is also served through Janus.
      const found = await findServer({ port: server.discoveryPort, targets: ["127.0.0.1"], timeoutMs: 3000 });
      assertEquals(found.beacon.transports, ["webrtc", "janus"]);
      const alone = await upstream(3000);
      const requestsBefore = (await forwardStatus())[0].keyFrameRequests;
      const tabs = [];
      for (let i = 0; i < 4; i++) {
        const tab = await browser.newPage();
        // Janus's own origin (a JSON page of its API): same-origin requests, a secure context on loopback.
        await tab.goto(`${janus.api}/info`);
        await tab.evaluate(janusViewerScript(janus.api, 1));
        tabs.push(tab);
      }
      for (const [i, tab] of tabs.entries()) {
        await tab.waitForFunction(`(globalThis.janusFrames ?? 0) > 30`, undefined, { timeout: 30_000 })
          .catch((error) => {
            throw new Error(
              `Viewer ${i + 1} through Janus: ${error.message}\n${janus.output.text.slice(-2000)}`,
            );
          });
      }
      const sizes = await Promise.all(
        tabs.map((tab) => tab.evaluate(`document.querySelector("video").videoWidth`)),
      );
      assertEquals(sizes, [640, 640, 640, 640]);
      const status = await (await fetch(`${server.url}/api/status`)).json();
      assertEquals(status.viewers.length, 0, "no viewer on the vehicle itself");
      const forwards = await forwardStatus();
      assertEquals(forwards.length, 1, "one RTP stream");
      assert(forwards[0].heard, "Janus latched onto the vehicle's RTCP");
      // Janus asks for a keyframe as a viewer starts (at most one a second): the encoder hears it.
      assert(
        forwards[0].keyFrameRequests > requestsBefore,
        `keyframe requests from Janus ${requestsBefore} → ${forwards[0].keyFrameRequests}`,
      );
      assert(status.keyFrameRequests >= forwards[0].keyFrameRequests, JSON.stringify(status));
      assert(status.framesEncoded > 60);
      // An independent stack through Janus too: aiortc answers Janus's offer and decodes.
      const aiortc = await new Deno.Command("/usr/bin/python3", {
        args: [AIORTC_VIEWER, "--janus", janus.api, "--mountpoint", "1", "--frames", "30", "--timeout", "30"],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(45_000),
      }).output();
      const decoder = new TextDecoder();
      assertEquals(aiortc.code, 0, decoder.decode(aiortc.stderr) + decoder.decode(aiortc.stdout));
      const seen = JSON.parse(decoder.decode(aiortc.stdout).trim().split("\n").at(-1)!);
      assertEquals([seen.width, seen.height], [640, 360]);
      assert(seen.frames >= 30);
      const watched = await upstream(3000);
      console.log(
        `vehicle upstream: ${(alone * 8 / 1e6).toFixed(2)} Mbit/s with no viewer, ` +
          `${(watched * 8 / 1e6).toFixed(2)} Mbit/s with 4 watching through Janus`,
      );
      // One stream, whoever watches: the rate is the encoder's (a keyframe more or less), not ×4.
      assert(watched < alone * 1.5 && watched > alone * 0.5, `${alone} → ${watched} bytes/s`);
    } finally {
      await close();
      assertEquals(await server.stop(), 0, server.stderr.text);
    }
  },
});
