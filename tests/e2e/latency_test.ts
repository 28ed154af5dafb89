/** Live latency from pixel stamps: rov-server --source stamp → rov-client measures every frame. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { freeUdpPort, rtpArgs, runClient, startServer, viewerArgs } from "../support/processes.ts";
import { percentile } from "../../lib/stats/percentiles.ts";

async function records(
  path: string,
): Promise<{ frame: number; latencyMs?: number; builtInMs?: number; width: number }[]> {
  return (await Deno.readTextFile(path)).trim().split("\n").map((line) => JSON.parse(line));
}

for (const transport of ["webrtc", "rtp"] as const) {
  Deno.test(`rov-client reads capture times from --source stamp frames over ${transport} and reports latency`, async () => {
    const dir = await Deno.makeTempDir();
    const port = String(freeUdpPort());
    const rtp = transport === "rtp" ? [...rtpArgs(port)] : [];
    const server = await startServer(["--source", "stamp", "--width", "1280", "--height", "720", ...rtp]);
    try {
      const clientArgs = transport === "rtp" ? [...rtpArgs(port), "--headless"] : viewerArgs(server);
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
      if (transport === "webrtc") {
        // The built-in figure (capture times over the data channel + clock exchange) agrees with the pixels.
        const builtIn = frames.map((f) => f.builtInMs).filter((l): l is number => l !== undefined);
        assert(
          builtIn.length >= frames.length * 0.8,
          `built-in figure on ${builtIn.length} of ${frames.length} frames`,
        );
        const difference = Math.abs(percentile(builtIn, 50)! - p50);
        assert(
          difference <= 2,
          `built-in p50 ${percentile(builtIn, 50)} vs pixel p50 ${p50}: ${difference} ms apart`,
        );
      }
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
