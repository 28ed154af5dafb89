/**
 * `deno task bench --faults`: what faults cost the pilot, per WebRTC engine and the RTP transport, at
 * 720p30 defaults with the stamp source. Server and client run in a network namespace of the bench's
 * own, where nftables drops UDP at random (loss) or entirely (a cut). Writes the "Faults" section of
 * bench/RESULTS.md. Figures come from the client's --stats-json (one record per decoded frame).
 */
import { CLIENT, freeRtpPort, rtpArgs, start, startServer, viewerArgs } from "../tests/support/processes.ts";
import type { Namespace } from "../tests/support/netns.ts";
import {
  damagedPercent,
  type FrameRecord,
  freezes,
  lossyNamespace,
  readFrames,
  setLoss,
  statusIn,
} from "../tests/support/lossy_net.ts";
import { percentile } from "../lib/stats/percentiles.ts";
import { FREEZE_MS } from "../lib/stats/stream_stats.ts";
import { FAULTS_HEADING, writeResultsPart } from "./results_file.ts";

type Transport = "gstreamer" | "werift" | "rtp";
const TRANSPORTS: Transport[] = ["gstreamer", "werift", "rtp"];
const SIZE = ["--source", "stamp", "--width", "1280", "--height", "720"];

/** The arguments that pick `transport`, the same for server and client. */
function transportArgs(transport: Transport): string[] {
  return transport === "rtp" ? rtpArgs(freeRtpPort()) : ["--webrtc-engine", transport];
}

/** Server and client of `transport` in `ns`; the client writes its frames to `jsonl`. */
async function session(ns: Namespace, transport: Transport, jsonl: string, seconds: number) {
  const how = transportArgs(transport);
  const server = await startServer([...SIZE, ...how], { wrap: ns.wrap });
  const client = start(CLIENT, [
    ...viewerArgs(server, ...how),
    "--duration",
    String(seconds),
    "--stats-json",
    jsonl,
  ], { wrap: ns.wrap });
  await client.stdout.wait(/frames [1-9]/, 30_000);
  return { server, client, how };
}

function fmt(value: number | undefined, digits = 0): string {
  return value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits);
}

/** One loss row: `percent` % loss both ways for `seconds`. */
async function lossRow(transport: Transport, percent: number, seconds: number): Promise<string> {
  await using ns = await lossyNamespace();
  const dir = await Deno.makeTempDir();
  const jsonl = `${dir}/frames.jsonl`;
  const { server, client } = await session(ns, transport, jsonl, seconds + 2);
  const startAt = Date.now();
  await setLoss(ns, percent);
  // The viewer's figures (its PLIs and NACKs) are read while it is still there: it hangs up as it ends.
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const api = await statusIn(ns, server.port);
  await client.child.status;
  await Promise.all([client.stdout.done, client.stderr.done]);
  await setLoss(ns, 0);
  await server.stop();
  const list = (await readFrames(jsonl)).filter((f) => f.at >= startAt);
  const f = freezes(list);
  const latencies = list.map((r) => r.latencyMs).filter((v): v is number => v !== undefined);
  const viewers = (api.viewers as { keyFramesRequested?: number; nacksReceived?: number }[] | undefined) ??
    [];
  const damaged = damagedPercent(list);
  await Deno.remove(dir, { recursive: true });
  return `| ${transport} | ${percent} % | ${list.length} | ${fmt(damaged, 1)} % | ${
    fmt(f.total / 1000, 1)
  } s | ${fmt(f.longest)} ms | ${fmt(percentile(latencies, 50), 1)} | ${
    fmt(percentile(latencies, 95), 1)
  } | ${viewers[0]?.keyFramesRequested ?? "—"} PLI, ${viewers[0]?.nacksReceived ?? "—"} NACK | ${
    api.keyFramesSent ?? "—"
  } |`;
}

/** The first frame after `since` (wall clock), in ms after it; undefined when none came. */
function firstAfter(list: FrameRecord[], since: number): number | undefined {
  const next = list.find((f) => f.at > since);
  return next === undefined ? undefined : next.at - since;
}

/** A 3 s cut of all UDP: ms from the restore to the next decoded frame. */
async function cutRow(transport: Transport): Promise<string> {
  await using ns = await lossyNamespace();
  const dir = await Deno.makeTempDir();
  const jsonl = `${dir}/frames.jsonl`;
  const { server, client } = await session(ns, transport, jsonl, 12);
  await new Promise((r) => setTimeout(r, 2000));
  await setLoss(ns, 100);
  await new Promise((r) => setTimeout(r, 3000));
  await setLoss(ns, 0);
  const restored = Date.now();
  await client.child.status;
  await Promise.all([client.stdout.done, client.stderr.done]);
  await server.stop();
  const back = firstAfter(await readFrames(jsonl), restored);
  await Deno.remove(dir, { recursive: true });
  return `| ${transport} | 3 s link cut | restore → picture ${fmt(back)} ms | ${
    /Reconnecting/.test(client.stderr.text) ? "new session" : "same session"
  } |`;
}

/** The server killed with SIGKILL and started again: ms from its readiness to the next frame. */
async function restartRow(transport: Transport): Promise<string> {
  await using ns = await lossyNamespace();
  const dir = await Deno.makeTempDir();
  const jsonl = `${dir}/frames.jsonl`;
  const { server, client, how } = await session(ns, transport, jsonl, 20);
  await new Promise((r) => setTimeout(r, 2000));
  server.child.kill("SIGKILL");
  await server.child.status;
  const again = await startServer([...SIZE, ...how, "--signal-port", String(server.port)], { wrap: ns.wrap });
  const ready = Date.now();
  await new Promise((r) => setTimeout(r, 6000));
  await client.stop();
  await again.stop();
  const back = firstAfter(await readFrames(jsonl), ready);
  await Deno.remove(dir, { recursive: true });
  return `| ${transport} | server SIGKILL + restart | readiness → picture ${fmt(back)} ms | |`;
}

/** 20 fresh clients one after another under 2 % loss: how many got a picture, and how fast. */
async function freshRow(transport: Transport): Promise<string> {
  await using ns = await lossyNamespace();
  const how = transportArgs(transport);
  const server = await startServer([...SIZE, ...how], { wrap: ns.wrap });
  await setLoss(ns, 2);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const client = start(CLIENT, viewerArgs(server, ...how, "--frames", "1"), { wrap: ns.wrap });
    const got = await client.stderr.wait(/First frame/, 10_000).then(
      () => performance.now() - t0,
      () => undefined,
    );
    if (got !== undefined) times.push(got);
    await client.stop();
  }
  await setLoss(ns, 0);
  await server.stop();
  return `| ${transport} | 20 fresh connections, 2 % loss | ${times.length}/20 with a picture; median ${
    fmt(percentile(times, 50))
  } ms, worst ${fmt(Math.max(...times))} ms from process start | |`;
}

/** Runs every fault for every transport and writes the Faults section into `out`. */
export async function runFaults(out: string): Promise<void> {
  const loss: string[] = [];
  const events: string[] = [];
  for (const transport of TRANSPORTS) {
    for (const percent of [2, 5]) {
      console.error(`[faults] ${transport}: ${percent} % loss for 20 s ...`);
      loss.push(
        await lossRow(transport, percent, 20).catch((e) => `| ${transport} | ${percent} % | failed: ${e} |`),
      );
    }
    console.error(`[faults] ${transport}: 3 s link cut ...`);
    events.push(await cutRow(transport).catch((e) => `| ${transport} | 3 s link cut | failed: ${e} | |`));
    console.error(`[faults] ${transport}: server SIGKILL and restart ...`);
    events.push(await restartRow(transport).catch((e) => `| ${transport} | restart | failed: ${e} | |`));
    console.error(`[faults] ${transport}: 20 fresh connections under 2 % loss ...`);
    events.push(
      await freshRow(transport).catch((e) => `| ${transport} | fresh connections | failed: ${e} | |`),
    );
  }
  const section = [
    FAULTS_HEADING,
    "",
    `Run ${
      new Date().toISOString()
    } with \`deno task bench --faults\`: 1280x720@30, automatic bitrate, stamp source; ` +
    "server and client in a network namespace of the bench's own, nftables dropping UDP at random both ways. " +
    `Freezes are gaps above ${FREEZE_MS} ms between decoded frames; damaged frames are decoded with data of ` +
    "theirs, or of a frame they depend on since the last keyframe, missing (lib/stats/damage.ts); latency from pixel stamps.",
    "",
    "| transport | loss | frames in 20 s | damaged | frozen | longest freeze | p50 ms | p95 ms | viewer's requests | keyframes sent |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...loss,
    "",
    "| transport | fault | result | |",
    "| --- | --- | --- | --- |",
    ...events,
    "",
  ].join("\n");
  await writeResultsPart(out, "faults", section);
  console.error(section);
}
