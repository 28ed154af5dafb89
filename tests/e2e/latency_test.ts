/** Live latency from pixel stamps: rov-server --source stamp → rov-client measures every frame. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { freeRtpPort, rtpArgs, runClient, startServer, viewerArgs } from "../support/processes.ts";
import { percentile } from "../../lib/stats/percentiles.ts";

async function records(
  path: string,
): Promise<{ frame: number; latencyMs?: number; builtInMs?: number; width: number }[]> {
  return (await Deno.readTextFile(path)).trim().split("\n").map((line) => JSON.parse(line));
}

const MODES = [
  { transport: "webrtc", engine: "gstreamer" },
  { transport: "webrtc", engine: "werift" },
  { transport: "rtp", engine: undefined },
] as const;

for (const { transport, engine } of MODES) {
  const via = engine ? `${transport} (${engine} engine)` : transport;
  Deno.test(`rov-client reads capture times from --source stamp frames over ${via} and reports latency`, async () => {
    const dir = await Deno.makeTempDir();
    const port = String(freeRtpPort());
    const rtp = transport === "rtp" ? [...rtpArgs(port)] : [];
    const engines = engine ? ["--webrtc-engine", engine] : [];
    const server = await startServer([
      "--source",
      "stamp",
      "--width",
      "1280",
      "--height",
      "720",
      ...rtp,
      ...engines,
    ]);
    try {
      // RTP: --host is the server's HTTP side channel (clock exchange, keyframe on joining).
      const clientArgs = transport === "rtp"
        ? [...rtpArgs(port), ...viewerArgs(server)]
        : [...viewerArgs(server), ...engines];
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
      // The built-in figure agrees with the pixels. werift: capture times over the data channel;
      // RTP and webrtcbin: RTCP sender reports with capture-time NTP (one a second, so the first
      // second of frames has none). All read on this clock through the clock exchange.
      const builtIn = frames.map((f) => f.builtInMs).filter((l): l is number => l !== undefined);
      const share = engine === "werift" ? 0.8 : 0.5;
      assert(
        builtIn.length >= frames.length * share,
        `built-in figure on ${builtIn.length} of ${frames.length} frames`,
      );
      const difference = Math.abs(percentile(builtIn, 50)! - p50);
      assert(
        difference <= 2,
        `built-in p50 ${percentile(builtIn, 50)} vs pixel p50 ${p50}: ${difference} ms apart`,
      );
      if (engine === "gstreamer") {
        // A webrtcbin viewer reports its latency over HTTP under the id the answer gave it.
        const status = await (await fetch(`${server.url}/api/status`)).json();
        assertEquals(status.webrtcEngine, "gstreamer");
      }
      if (transport === "rtp") {
        // An RTP viewer has no session: it reports its latency over HTTP, and the status page shows it.
        const status = await (await fetch(`${server.url}/api/status`)).json();
        assertEquals(status.rtpViewers.length, 1, JSON.stringify(status.rtpViewers));
        assert(status.rtpViewers[0].latency.p50 > 0, JSON.stringify(status.rtpViewers));
        // With its damage figures: frames decoded, damaged ones and freezes since it started.
        const figures = status.rtpViewers[0].latency;
        assert(figures.frames > 0 && figures.damaged >= 0 && figures.freezes >= 0, JSON.stringify(figures));
      }
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
