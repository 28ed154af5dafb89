/**
 * `deno task bench --viewers`: what many viewers cost the vehicle, served by rov-server itself (WHEP,
 * one webrtcbin branch each) or through Janus (rov-server --forward janus://…: one RTP stream, Janus
 * serves the viewers). N = 1, 4, 16 Chromium viewers on loopback, each reading every decoded frame's
 * pixel stamp (capture → decoded latency; a background tab is not painted, so not "shown"). Vehicle CPU is rov-server's process; upstream is what it sends
 * (its viewers' bytes, or its forward's). Writes the "Scale-out" section of bench/RESULTS.md.
 */
import type { Page } from "playwright-core";
import { withCpu } from "./contenders.ts";
import type { Setting } from "./contenders.ts";
import { withViewerPage } from "./chromium.ts";
import { janusViewerScript, startJanus } from "../tests/support/janus.ts";
import type { RunningServer } from "../tests/support/processes.ts";
import { percentile } from "../lib/stats/percentiles.ts";
import { SCALE_OUT_HEADING, writeResultsPart } from "./results_file.ts";

/**
 * 640x360: sixteen Chromium decoders and the vehicle share this machine's cores, so the picture is
 * kept small enough that the viewers' side does not starve the vehicle's (on a real deployment the
 * viewers are other machines).
 */
const SETTING: Setting = { width: 640, height: 360, fps: 30, bitrateKbps: 1000, seconds: 10 };
const COUNTS = [1, 4, 16];
type Path = "direct" | "janus";

interface Row {
  path: Path;
  viewers: number;
  /** Viewers that showed frames during the measurement. */
  watching: number;
  vehicleCpu: number;
  janusCpu?: number;
  upstreamMbps: number;
  /** Per viewer: frames shown per second. */
  fps: number[];
  p50?: number;
  p95?: number;
}

interface Status {
  viewers: { bytesSent: number }[];
  outputs: { kind: string; bytesSent?: number }[];
}

async function status(server: RunningServer): Promise<Status> {
  return await (await fetch(`${server.url}/api/status`)).json();
}

/** Bytes the vehicle has sent along `path`: to its own viewers, or to Janus. */
async function sentBytes(server: RunningServer, path: Path): Promise<number> {
  const s = await status(server);
  return path === "direct"
    ? s.viewers.reduce((sum, v) => sum + v.bytesSent, 0)
    : s.outputs.find((o) => o.kind === "janus")?.bytesSent ?? 0;
}

type Samples = { samples: (number | null)[] };

/** Until the server lists none of its own viewers (closed tabs hang up by RTCP BYE or time out). */
async function noViewersLeft(server: RunningServer): Promise<void> {
  for (let i = 0; i < 150 && (await status(server)).viewers.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runScaleOut(out: string): Promise<void> {
  await using janus = await startJanus();
  const rows: Row[] = [];
  await withViewerPage(SETTING, async ({ server, browser, pageUrl }) => {
    for (const path of ["direct", "janus"] as const) {
      for (const count of COUNTS) {
        const label = `${path}, ${count} viewer${count === 1 ? "" : "s"}`;
        console.error(`[scale-out] ${label}: starting`);
        const tabs: Page[] = [];
        for (let i = 0; i < count; i++) {
          const tab = await browser.newPage();
          await tab.goto(pageUrl);
          if (path === "direct") {
            await tab.evaluate(
              (url) =>
                (globalThis as unknown as { start(u: string, how: string): Promise<void> }).start(
                  url,
                  "decoded",
                ),
              `${server.url}/whep`,
            );
          } else {
            await tab.evaluate(janusViewerScript(janus.api, 1));
            await tab.waitForFunction("globalThis.janusVideo?.srcObject", undefined, { timeout: 15_000 });
            await tab.evaluate("void measureTrack(globalThis.janusVideo.srcObject.getVideoTracks()[0])");
          }
          tabs.push(tab);
        }
        // Every viewer shows frames before the measurement starts (or is counted as not watching).
        await Promise.all(tabs.map((tab) =>
          tab.waitForFunction(
            () => (globalThis as unknown as Samples).samples.length > 0,
            undefined,
            { timeout: 20_000 },
          ).catch(() => {})
        ));
        await Promise.all(
          tabs.map((tab) => tab.evaluate(() => (globalThis as unknown as Samples).samples = [])),
        );
        const sentBefore = await sentBytes(server, path);
        const { value, cpu } = await withCpu({ vehicle: server.child.pid, janus: janus.pid }, async () => {
          await new Promise((resolve) => setTimeout(resolve, SETTING.seconds * 1000));
          return await Promise.all(
            tabs.map((tab) => tab.evaluate(() => (globalThis as unknown as Samples).samples)),
          );
        });
        const upstreamMbps = (await sentBytes(server, path) - sentBefore) * 8 / 1e6 / SETTING.seconds;
        const latencies = value.flat().filter((v): v is number => typeof v === "number").toSorted((a, b) =>
          a - b
        );
        const row: Row = {
          path,
          viewers: count,
          watching: value.filter((samples) => samples.length > 0).length,
          vehicleCpu: cpu.vehicle,
          janusCpu: path === "janus" ? cpu.janus : undefined,
          upstreamMbps,
          fps: value.map((samples) => samples.length / SETTING.seconds),
          p50: latencies.length ? percentile(latencies, 50) : undefined,
          p95: latencies.length ? percentile(latencies, 95) : undefined,
        };
        rows.push(row);
        console.error(`[scale-out] ${label}: ${JSON.stringify(row)}`);
        for (const tab of tabs) await tab.close();
        if (path === "direct") await noViewersLeft(server);
      }
    }
  }, { serverArgs: ["--forward", `janus://127.0.0.1:${janus.videoPort}`] });
  const section = scaleOutSection(rows);
  await writeResultsPart(out, "scale-out", section);
  console.log(section);
}

const fmt = (v: number | undefined, digits = 1) =>
  v === undefined || Number.isNaN(v) ? "—" : v.toFixed(digits);

/** The section: one row per path and count, and Janus's added latency at each count. */
export function scaleOutSection(rows: Row[]): string {
  const table = rows.map((r) =>
    `| ${
      r.path === "direct" ? "direct (WHEP to rov-server)" : "through Janus (--forward)"
    } | ${r.viewers} | ` +
    `${r.watching}/${r.viewers} | ${fmt(r.vehicleCpu, 0)} % | ${fmt(r.upstreamMbps, 2)} | ` +
    `${fmt(Math.min(...r.fps))}–${fmt(Math.max(...r.fps))} | ${fmt(r.p50)} / ${fmt(r.p95)} | ` +
    `${r.janusCpu === undefined ? "—" : `${fmt(r.janusCpu, 0)} %`} |`
  );
  const added = COUNTS.map((n) => {
    const direct = rows.find((r) => r.path === "direct" && r.viewers === n);
    const janus = rows.find((r) => r.path === "janus" && r.viewers === n);
    if (direct?.p50 === undefined || janus?.p50 === undefined) return `${n}: —`;
    return `${n}: ${fmt(janus.p50 - direct.p50)} ms p50, ${fmt(janus.p95! - direct.p95!)} ms p95`;
  });
  return [
    SCALE_OUT_HEADING,
    "",
    `Run ${
      new Date().toISOString()
    } with \`deno task bench --viewers\` on ${navigator.hardwareConcurrency} ` +
    `cores: rov-server \`--source stamp\` ${SETTING.width}x${SETTING.height}@${SETTING.fps}, ` +
    `${SETTING.bitrateKbps} kbit/s, x264, gstreamer engine, \`--forward janus://…\` to Janus on loopback; ` +
    `N Chromium tabs (one browser) read each decoded frame's pixel stamp (MediaStreamTrackProcessor) for ${SETTING.seconds} s. Vehicle CPU is ` +
    "rov-server's process in % of one core; upstream is what it sends to its own viewers or to Janus. The " +
    "viewers, Janus and the vehicle share this machine: per-viewer fps and latency at 16 include its load.",
    "",
    "| path | viewers | watching | vehicle CPU | vehicle upstream Mbit/s | fps per viewer (min–max) | latency p50 / p95 ms | Janus CPU |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...table,
    "",
    `Added latency through Janus (its p50/p95 minus direct's, same N): ${added.join("; ")}.`,
    "",
  ].join("\n");
}
