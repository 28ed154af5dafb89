/** Live latency from pixel stamps: rov-server --source stamp → rov-client measures every frame. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { freeRtpPort, rtpArgs, runClient, startServer, viewerArgs } from "../support/processes.ts";
import { percentile } from "../../lib/stats/percentiles.ts";

async function records(
  path: string,
): Promise<{ frame: number; latencyMs?: number; builtInMs?: number; width: number }[]> {
  return (await Deno.readTextFile(path)).trim().split("\n").map((line) => JSON.parse(line));
}

for (const transport of ["webrtc", "rtp"] as const) {
  Deno.test(`rov-client reads capture times from --source stamp frames over ${transport} and reports latency`, async () => {
    const dir = await Deno.makeTempDir();
    const port = String(freeRtpPort());
    const rtp = transport === "rtp" ? [...rtpArgs(port)] : [];
    const server = await startServer(["--source", "stamp", "--width", "1280", "--height", "720", ...rtp]);
    try {
      // RTP: --host is the server's HTTP side channel (clock exchange, keyframe on joining).
      const clientArgs = transport === "rtp" ? [...rtpArgs(port), ...viewerArgs(server)] : viewerArgs(server);
      const client = await runClient([
        ...clientArgs,
        "--frames",
        "90",
        "--stats-json",
        `${dir}/frames.jsonl`,
      ]);
      assertEquals(client.code, 0, client.stderr);
      assertMatch(client.stdout, /latency p50 \d+\.\d ms p95 \d+\.\d ms/);
      const frames = await records(`${dir}/frames.jsonl`);
      assert(frames.length >= 90, `${frames.length} records`);
      const latencies = frames.map((f) => f.latencyMs).filter((l): l is number => l !== undefined);
      assert(
        latencies.length >= frames.length * 0.9,
        `stamps read on ${latencies.length} of ${frames.length} frames`,
      );
      const p50 = percentile(latencies, 50)!;
      // Loopback on one clock: a real delay, positive and far below a second.
      assert(p50 > 0 && p50 < 300, `p50 ${p50} ms`);
      // The built-in figure agrees with the pixels. WebRTC: capture times over the data channel;
      // RTP: RTCP sender reports (one a second, so the first second of frames has none). Both
      // read on this clock through the clock exchange.
      const builtIn = frames.map((f) => f.builtInMs).filter((l): l is number => l !== undefined);
      const share = transport === "webrtc" ? 0.8 : 0.5;
      assert(
        builtIn.length >= frames.length * share,
        `built-in figure on ${builtIn.length} of ${frames.length} frames`,
      );
      const difference = Math.abs(percentile(builtIn, 50)! - p50);
      assert(
        difference <= 2,
        `built-in p50 ${percentile(builtIn, 50)} vs pixel p50 ${p50}: ${difference} ms apart`,
      );
      if (transport === "rtp") {
        // An RTP viewer has no session: it reports its latency over HTTP, and the status page shows it.
        const status = await (await fetch(`${server.url}/api/status`)).json();
        assertEquals(status.rtpViewers.length, 1, JSON.stringify(status.rtpViewers));
        assert(status.rtpViewers[0].latency.p50 > 0, JSON.stringify(status.rtpViewers));
      }
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
