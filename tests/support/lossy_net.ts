/**
 * Faults on a network of the test's own: a loopback-only namespace where nftables drops UDP at random
 * (`numgen random`, both ways, as everything leaves through the namespace's loopback) or entirely (a
 * cut); and the client's per-frame records (`--stats-json`) read back as freezes and damage.
 */
import { loopbackNamespace, type Namespace } from "./netns.ts";
import { FREEZE_MS } from "../../lib/stats/stream_stats.ts";

async function nft(ns: Namespace, ...args: string[]): Promise<void> {
  const [command, ...prefix] = [...ns.wrap, "nft"];
  const out = await new Deno.Command(command, { args: [...prefix, ...args], stderr: "piped" }).output();
  if (!out.success) throw new Error(`nft ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
}

/** A loopback-only namespace with an empty nftables chain on its output, for `setLoss`. */
export async function lossyNamespace(): Promise<Namespace> {
  const ns = await loopbackNamespace();
  try {
    await nft(ns, "add", "table", "inet", "faults");
    await nft(ns, "add", "chain", "inet", "faults", "out", "{ type filter hook output priority 0; }");
  } catch (error) {
    await ns[Symbol.asyncDispose]();
    throw error;
  }
  return ns;
}

/** Drops `percent` % of UDP in `ns` from now on (100: a cut; 0: none). */
export async function setLoss(ns: Namespace, percent: number): Promise<void> {
  await nft(ns, "flush", "chain", "inet", "faults", "out");
  const udp = ["add", "rule", "inet", "faults", "out", "meta", "l4proto", "udp"];
  if (percent >= 100) await nft(ns, ...udp, "drop");
  else if (percent > 0) await nft(ns, ...udp, "numgen", "random", "mod", "100", "<", String(percent), "drop");
}

/** rov-server's /api/status, read from inside `ns` (the server listens on the namespace's loopback). */
export async function statusIn(ns: Namespace, port: number): Promise<Record<string, unknown>> {
  const [command, ...prefix] = [...ns.wrap, Deno.execPath()];
  const out = await new Deno.Command(command, {
    args: [
      ...prefix,
      "eval",
      `console.log(JSON.stringify(await (await fetch("http://127.0.0.1:${port}/api/status")).json()))`,
    ],
    stdout: "piped",
    stderr: "null",
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  try {
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } catch {
    return {};
  }
}

/** One decoded frame as rov-client's --stats-json writes it. */
export interface FrameRecord {
  /** Wall-clock ms when it was decoded. */
  at: number;
  latencyMs?: number;
  /** Capture → decoded on the server's clock (RTCP or the data channel), where it is known. */
  builtInMs?: number;
  damaged?: boolean;
}

/** The records in `path` (one JSON object a line); none when the file is missing. */
export async function readFrames(path: string): Promise<FrameRecord[]> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

/** Gaps between decoded frames above FREEZE_MS: their total and the longest gap, in ms. */
export function freezes(list: FrameRecord[]): { total: number; longest: number } {
  let total = 0, longest = 0;
  for (let i = 1; i < list.length; i++) {
    const gap = list[i].at - list[i - 1].at;
    if (gap > FREEZE_MS) total += gap;
    longest = Math.max(longest, gap);
  }
  return { total, longest };
}

/** The share of `list` that is damaged, in %. */
export function damagedPercent(list: FrameRecord[]): number {
  return 100 * list.filter((f) => f.damaged).length / Math.max(1, list.length);
}
