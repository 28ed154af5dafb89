/**
 * The latency benchmark's contenders. Each runs one stream at a given size for a while and returns
 * per-frame capture → decoded latencies read from pixel stamps, CPU per process and time to first frame.
 */
import {
  CLIENT,
  freeRtpPort,
  rtpArgs,
  type RunningServer,
  start,
  startServer,
} from "../tests/support/processes.ts";
import { percentile } from "../lib/stats/percentiles.ts";

export interface Setting {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  seconds: number;
}

export interface Result {
  name: string;
  latencies: number[];
  /** CPU % of one core per process, by role. */
  cpu: Record<string, number>;
  firstFrameMs?: number;
  note?: string;
}

async function cpuSeconds(pid: number): Promise<number> {
  try {
    const fields = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Measures the CPU of `pids` while `work` runs: sampled every 250 ms, so a process that exits at the
 * end still counts (its last sample is used).
 */
export async function withCpu<T>(
  pids: Record<string, number>,
  work: () => Promise<T>,
): Promise<{ value: T; cpu: Record<string, number> }> {
  const first: Record<string, { cpu: number; at: number }> = {};
  const last: Record<string, { cpu: number; at: number }> = {};
  const sample = async () => {
    for (const [k, pid] of Object.entries(pids)) {
      const cpu = await cpuSeconds(pid);
      if (Number.isNaN(cpu)) continue;
      const point = { cpu, at: performance.now() };
      first[k] ??= point;
      last[k] = point;
    }
  };
  await sample();
  const timer = setInterval(() => void sample(), 250);
  try {
    const value = await work();
    const cpu: Record<string, number> = {};
    for (const k of Object.keys(pids)) {
      const seconds = ((last[k]?.at ?? 0) - (first[k]?.at ?? 0)) / 1000;
      cpu[k] = seconds > 0 ? (last[k].cpu - first[k].cpu) / seconds * 100 : NaN;
    }
    return { value, cpu };
  } finally {
    clearInterval(timer);
  }
}

async function latencies(path: string): Promise<number[]> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l).latencyMs).filter((
    v,
  ): v is number => typeof v === "number");
}

/** rov-server with a stamped source (`stamp`, or `test`: the same with a clock) at the setting. */
export function startStampServer(
  s: Setting,
  extra: string[] = [],
  source: "stamp" | "test" = "stamp",
): Promise<RunningServer> {
  const size = ["--width", String(s.width), "--height", String(s.height), "--fps", String(s.fps)];
  return startServer(["--source", source, ...size, "--bitrate", String(s.bitrateKbps), ...extra]);
}

/** rov-server --source stamp → rov-client over WebRTC (on `engine`, both sides) or RTP. */
export async function rovStream(
  transport: "webrtc" | "rtp",
  s: Setting,
  engine: "gstreamer" | "werift" = "gstreamer",
  source: "stamp" | "test" = "stamp",
): Promise<Result> {
  const dir = await Deno.makeTempDir();
  const port = String(freeRtpPort());
  const rtp = transport === "rtp" ? [...rtpArgs(port)] : [];
  const engines = transport === "webrtc" ? ["--webrtc-engine", engine] : [];
  const server = await startStampServer(s, [...rtp, ...engines], source);
  try {
    // Both find the server as users do: the beacon names the transport (and the RTP address).
    const where = [
      "--auto",
      "--discovery-port",
      String(server.discoveryPort),
      "--discovery-address",
      "127.255.255.255",
    ];
    const t0 = performance.now();
    const client = start(CLIENT, [
      ...where,
      ...engines,
      "--headless",
      "--duration",
      String(s.seconds),
      "--stats-json",
      `${dir}/frames.jsonl`,
    ]);
    const first = client.stderr.wait(/First frame/, 30_000).then(() => performance.now() - t0);
    // CPU while the picture runs, from the first frame on: start-up (imports, DTLS certificate,
    // negotiation) is the first-frame column's, and would weigh differently in rounds of a few seconds.
    await first;
    const { cpu } = await withCpu(
      { server: server.child.pid, client: client.child.pid },
      () => client.child.status,
    );
    await Promise.all([client.stdout.done, client.stderr.done]);
    return {
      name: (transport === "rtp" ? "(b) rov-stream RTP" : `(a) rov-stream WebRTC, ${engine} engine`) +
        (source === "test" ? ", --source test" : ""),
      latencies: await latencies(`${dir}/frames.jsonl`),
      cpu,
      firstFrameMs: await first,
    };
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Runs a contender that is one process writing per-frame records to a JSON-lines file (its last
 * argument) and printing "first frame after N ms" on stderr.
 */
async function latencyProcess(name: string, command: string, args: string[], role: string): Promise<Result> {
  const dir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command(command, {
      args: [...args, `${dir}/frames.jsonl`],
      stdout: "piped",
      stderr: "piped",
      env: { DENO_NO_UPDATE_CHECK: "1" },
    }).spawn();
    const { value: output, cpu } = await withCpu({ [role]: child.pid }, () => child.output());
    const stderr = new TextDecoder().decode(output.stderr);
    if (!output.success) return { name, latencies: [], cpu: {}, note: stderr.trim().split("\n").at(-1) };
    const first = stderr.match(/first frame after (\d+)/);
    return {
      name,
      latencies: await latencies(`${dir}/frames.jsonl`),
      cpu,
      firstFrameMs: first ? Number(first[1]) : undefined,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function settingArgs(s: Setting): string[] {
  return [s.width, s.height, s.fps, s.bitrateKbps, s.seconds].map(String);
}

/** The native baseline: the same pipelines in one process, RTP over loopback UDP, no werift, no signalling. */
export function baseline(s: Setting): Promise<Result> {
  const script = new URL("baseline_pipeline.ts", import.meta.url).pathname;
  return latencyProcess("(c) native GStreamer baseline", Deno.execPath(), [
    "run",
    "-A",
    script,
    ...settingArgs(s),
  ], "sender+receiver");
}

/** aiortc sending to aiortc with its own H.264 encoder: the original tool's stack. */
export function aiortc(s: Setting): Promise<Result> {
  const script = new URL("aiortc_latency.py", import.meta.url).pathname;
  return latencyProcess("(d) aiortc", "/usr/bin/python3", [script, ...settingArgs(s)], "sender+receiver");
}

export function summary(r: Result): { p50?: number; p95?: number; p99?: number; n: number } {
  return {
    p50: percentile(r.latencies, 50),
    p95: percentile(r.latencies, 95),
    p99: percentile(r.latencies, 99),
    n: r.latencies.length,
  };
}

/**
 * Time from spawning a fresh `rov-client --auto` (process start, Deno's own start-up included) to its
 * first decoded frame, `runs` times against one server; each run is shown as it ends.
 */
export async function firstFrames(s: Setting, runs: number): Promise<number[]> {
  const server = await startStampServer(s);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const client = start(CLIENT, [
        "--auto",
        "--discovery-port",
        String(server.discoveryPort),
        "--discovery-address",
        "127.255.255.255",
        "--headless",
        "--frames",
        "5",
      ]);
      await client.stderr.wait(/First frame/, 30_000);
      times.push(Math.round(performance.now() - t0));
      console.error(`  first frame, run ${i + 1}/${runs}: ${times.at(-1)} ms`);
      await client.child.status;
      await Promise.all([client.stdout.done, client.stderr.done]);
    }
    return times;
  } finally {
    await server.stop();
  }
}

/**
 * Runs every contender in `rounds` rounds, interleaved (each contender once per round, in the same
 * order), and pools each one's rounds: latencies joined, CPU averaged, the median first frame. On this
 * shared machine the load drifts within a minute; interleaving puts each contender under the same drift,
 * where back-to-back runs put one contender in a busy stretch and its rival in a quiet one.
 */
export async function interleaved(
  contenders: [string, () => Promise<Result>][],
  rounds: number,
  options: { onRound?: (name: string, round: number, result: Result) => void } = {},
): Promise<{ pooled: Result[]; byRound: Result[][] }> {
  const byRound: Result[][] = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, [name, run]] of contenders.entries()) {
      const r = await run().catch((
        e,
      ) => ({ name, latencies: [], cpu: {}, note: String(e).split("\n")[0] } as Result));
      options.onRound?.(name, round, r);
      byRound[i].push(r);
    }
  }
  const pooled = byRound.map((runs, i): Result => {
    const roles = [...new Set(runs.flatMap((r) => Object.keys(r.cpu)))];
    const cpu = Object.fromEntries(roles.map((role) => {
      const values = runs.map((r) => r.cpu[role]).filter((v) => v !== undefined && !Number.isNaN(v));
      return [role, values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN];
    }));
    const firsts = runs.map((r) => r.firstFrameMs).filter((v): v is number => v !== undefined);
    const notes = [...new Set(runs.map((r) => r.note).filter(Boolean))];
    return {
      name: runs[0]?.name ?? contenders[i][0],
      latencies: runs.flatMap((r) => r.latencies),
      cpu,
      firstFrameMs: percentile(firsts, 50),
      note: notes.length ? notes.join("; ") : undefined,
    };
  });
  return { pooled, byRound };
}

/** One row of the viewers table: `count` receive-only viewers of one server for `seconds`. */
export interface ViewersRow {
  engine: string;
  count: number;
  serverCpu: number;
  viewers: { fps: number; packetsPerS: number; lost: number }[];
  shed: number;
}

/** `count` receive-only webrtcbin viewers (one process, nothing decoded) of a server on `engine`. */
export async function viewersRow(
  s: Setting,
  engine: "gstreamer" | "werift",
  count: number,
): Promise<ViewersRow> {
  const server = await startStampServer(s, ["--webrtc-engine", engine]);
  try {
    const script = new URL("receive_viewers.ts", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, `${server.url}/offer`, String(count), String(s.seconds)],
      stdout: "piped",
      stderr: "inherit",
      env: { DENO_NO_UPDATE_CHECK: "1" },
    }).spawn();
    // The server's CPU while every viewer receives (the viewers' process is not counted).
    const { value: output, cpu } = await withCpu({ server: server.child.pid }, () => child.output());
    const text = new TextDecoder().decode(output.stdout).trim().split("\n").at(-1) ?? "[]";
    const viewers = JSON.parse(text) as { fps: number; packetsPerS: number; lost: number }[];
    const status = await (await fetch(`${server.url}/api/status`)).json().catch(() => ({}));
    return { engine, count, serverCpu: cpu.server, viewers, shed: Number(status.packetsShed ?? 0) };
  } finally {
    await server.stop();
  }
}

/**
 * A 1080p60 H.264 file at about `mbps` Mbit/s sent as it is (--file-passthrough) over the gstreamer
 * engine to one receive-only viewer for `seconds`: its packets, losses and frame rate.
 */
export async function passthroughRun(mbps: number, seconds: number): Promise<
  { packets: number; lost: number; fps: number; fileMbps: number } | { error: string }
> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/dive-1080p60.mp4`;
    const made = await new Deno.Command("ffmpeg", {
      args: [
        ..."-loglevel error -y -f lavfi -i".split(" "),
        `testsrc2=size=1920x1080:rate=60,noise=alls=30:allf=t`,
        "-t",
        String(seconds + 8),
        ..."-c:v libx264 -preset ultrafast -tune zerolatency -g 60 -pix_fmt yuv420p".split(" "),
        "-b:v",
        `${mbps}M`,
        "-maxrate",
        `${mbps}M`,
        "-bufsize",
        `${Math.round(mbps / 4)}M`,
        file,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!made.success) {
      return { error: new TextDecoder().decode(made.stderr).trim().split("\n").at(-1) ?? "ffmpeg" };
    }
    const size = (await Deno.stat(file)).size;
    const server = await startServer([
      "--source",
      "file",
      "--file",
      file,
      "--file-passthrough",
      "--no-loop",
      "--webrtc-engine",
      "gstreamer",
      "--width",
      "1920",
      "--height",
      "1080",
      "--fps",
      "60",
    ]);
    try {
      const script = new URL("receive_viewers.ts", import.meta.url).pathname;
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, `${server.url}/offer`, "1", String(seconds)],
        stdout: "piped",
        stderr: "inherit",
        env: { DENO_NO_UPDATE_CHECK: "1" },
      }).output();
      const text = new TextDecoder().decode(output.stdout).trim().split("\n").at(-1) ?? "[]";
      const [viewer] = JSON.parse(text) as { fps: number; packetsPerS: number; lost: number }[];
      if (!viewer) return { error: "no viewer figures" };
      return {
        packets: viewer.packetsPerS * seconds,
        lost: viewer.lost,
        fps: viewer.fps,
        fileMbps: size * 8 / (seconds + 8) / 1e6,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
