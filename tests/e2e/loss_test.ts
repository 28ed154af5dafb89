/**
 * Random loss costs no picture: server and client run in a namespace of the test's own, where
 * nftables drops UDP at random both ways (NACK and retransmission repair it), then drops everything
 * for a moment (more than repair can mend: the client must ask for a keyframe, and get one).
 */
import { assert, assertEquals } from "../support/assert.ts";
import { CLIENT, start, startServer, viewerArgs } from "../support/processes.ts";
import { canUseNamespaces } from "../support/netns.ts";
import {
  damagedPercent,
  type FrameRecord,
  freezes,
  lossyNamespace,
  readFrames,
  setLoss,
  statusIn,
} from "../support/lossy_net.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (list: FrameRecord[], from: number, to: number) =>
  list.filter((f) => f.at >= from && f.at < to);

for (const engine of ["gstreamer", "werift"] as const) {
  Deno.test({
    name: `rov-client and rov-server on the ${engine} engine: 2 % loss both ways for 30 s costs no freeze ` +
      `over 300 ms and at most 3 % of frames; 5 % costs no freeze over 1 s; a burst gets a keyframe`,
    ignore: !(await canUseNamespaces()),
    async fn() {
      await using ns = await lossyNamespace();
      const dir = await Deno.makeTempDir();
      const jsonl = `${dir}/frames.jsonl`;
      const how = ["--webrtc-engine", engine];
      // 720p30 at the automatic bitrate: the product's defaults but for the size.
      const server = await startServer(["--width", "1280", "--height", "720", ...how], { wrap: ns.wrap });
      const client = start(CLIENT, viewerArgs(server, ...how, "--stats-json", jsonl), { wrap: ns.wrap });
      try {
        await client.stdout.wait(/frames [1-9]\d/, 20_000);
        const at2 = Date.now();
        await setLoss(ns, 2);
        await sleep(30_000);
        const at5 = Date.now();
        await setLoss(ns, 5);
        await sleep(10_000);
        await setLoss(ns, 0);
        const clear = Date.now();
        await sleep(1000);
        const before = await statusIn(ns, server.port);
        await setLoss(ns, 100);
        await sleep(500);
        await setLoss(ns, 0);
        const restored = Date.now();
        await sleep(2000);
        const after = await statusIn(ns, server.port);
        const list = await readFrames(jsonl);

        const lossy2 = between(list, at2, at5);
        const f2 = freezes(lossy2);
        const damaged2 = damagedPercent(lossy2);
        const lossy5 = between(list, at5, clear);
        const f5 = freezes(lossy5);
        const viewer = (before.viewers as { nacksReceived?: number }[] | undefined)?.[0];
        console.log(
          `${engine}: 2 %: ${lossy2.length} frames, ${damaged2.toFixed(1)} % damaged, longest gap ` +
            `${f2.longest.toFixed(0)} ms; 5 %: ${lossy5.length} frames, ${
              damagedPercent(lossy5).toFixed(1)
            } % ` +
            `damaged, longest gap ${f5.longest.toFixed(0)} ms; NACKs at the server ${
              viewer?.nacksReceived ?? "—"
            }`,
        );
        assert(lossy2.length >= 30 * 25, `${lossy2.length} frames in 30 s at 2 % loss`);
        assert(f2.longest <= 300, `a freeze of ${f2.longest.toFixed(0)} ms at 2 % loss`);
        assert(damaged2 <= 3, `${damaged2.toFixed(1)} % of frames damaged at 2 % loss`);
        assert(lossy5.length >= 10 * 20, `${lossy5.length} frames in 10 s at 5 % loss`);
        assert(f5.longest <= 1000, `a freeze of ${f5.longest.toFixed(0)} ms at 5 % loss`);
        if (viewer?.nacksReceived !== undefined) assert(viewer.nacksReceived > 0, "NACKs reached the server");

        // The burst: repair cannot mend half a second; the request reaches the server, which answers.
        const asked = Number(after.keyFrameRequests) - Number(before.keyFrameRequests);
        const sent = Number(after.keyFramesSent) - Number(before.keyFramesSent);
        assert(
          asked >= 1 && sent >= 1,
          `after the burst: ${asked} keyframe requests, ${sent} keyframes made`,
        );
        const back = between(list, restored, restored + 2000);
        assert(back.length >= 30, `${back.length} frames in the 2 s after the burst`);
        assertEquals(back.slice(-15).filter((f) => f.damaged).length, 0, "the keyframe mended the picture");
      } finally {
        assertEquals(await client.stop(), 0, client.stderr.text);
        assertEquals(await server.stop(), 0, server.stderr.text);
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

for (const engine of ["gstreamer", "werift"] as const) {
  Deno.test({
    name:
      `20 fresh rov-clients on the ${engine} engine under 2 % loss each get a picture, half within 1.5 s, all within 4.5 s`,
    ignore: !(await canUseNamespaces()),
    async fn() {
      await using ns = await lossyNamespace();
      const how = ["--webrtc-engine", engine];
      const server = await startServer(["--width", "1280", "--height", "720", ...how], { wrap: ns.wrap });
      const times: number[] = [];
      try {
        await setLoss(ns, 2);
        for (let i = 0; i < 20; i++) {
          const t0 = performance.now();
          const client = start(CLIENT, viewerArgs(server, ...how, "--frames", "1"), { wrap: ns.wrap });
          try {
            await client.stderr.wait(/First frame/, 10_000);
            times.push(performance.now() - t0);
          } finally {
            await client.stop();
          }
        }
      } finally {
        await setLoss(ns, 0);
        assertEquals(await server.stop(), 0, server.stderr.text);
      }
      const sorted = times.toSorted((a, b) => a - b);
      console.log(
        `${engine}: first frame from process start ${times.map((t) => t.toFixed(0)).join(", ")} ms`,
      );
      assertEquals(times.length, 20);
      // A lost DTLS flight is resent after OpenSSL's 1 s timer (werift's: 0.5 s). An attempt not
      // connected after 500 ms gets a second one beside it, and the first to connect is kept
      // (ViewerLink); one connected without a picture is asked for a keyframe. The aim is 3 s from
      // process start; worst of 20 here: gstreamer 1.4–2.5 s with the second attempt (3.5–4.9 s
      // before, when a stalled attempt waited out its 2 s), werift 1.0–1.5 s. The bound catches
      // attempts that stall with nothing beside them.
      const median = sorted[10];
      assert(median <= 1500, `median ${median.toFixed(0)} ms from process start to the first frame`);
      assert(sorted[19] <= 4500, `the slowest took ${sorted[19].toFixed(0)} ms`);
    },
  });
}
