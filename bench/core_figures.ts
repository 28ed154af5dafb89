/**
 * Figures for the core stream: time from `rov-client --auto` start to its first decoded frame, and
 * rov-server CPU and memory at 1080p30 with 1 and 4 viewers. Loopback only.
 * Run: deno run -A bench/core_figures.ts
 */
import { start, startServer } from "../tests/support/processes.ts";
import { firstFrames } from "./contenders.ts";

const PACKET_VIEWER = new URL("packet_viewer.ts", import.meta.url).pathname;

const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

async function cpuTicks(pid: number): Promise<number> {
  const fields = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function serverLoad(viewers: number): Promise<{ cpu: number; rss: number; fps: number[] }> {
  const server = await startServer(["--width", "1920", "--height", "1080", "--fps", "30"]);
  // Viewers that receive without decoding: the figure is the server's own cost.
  const clients = Array.from({ length: viewers }, () => start(PACKET_VIEWER, [`${server.url}/offer`, "25"]));
  try {
    await Promise.all(clients.map((c) => c.stdout.wait(/frames [1-9]/, 30_000)));
    await new Promise((r) => setTimeout(r, 3000)); // settle
    const pid = server.child.pid;
    const before = await cpuTicks(pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const cpu = ((await cpuTicks(pid)) - before) / TICKS / ((performance.now() - t0) / 1000) * 100;
    const rss = await rssMiB(pid);
    const fps = clients.map((c) => {
      const last = c.stdout.text.trim().split("\n").at(-1) ?? "";
      return Number(/fps ([\d.]+)/.exec(last)?.[1] ?? 0);
    });
    return { cpu, rss, fps };
  } finally {
    for (const c of clients) await c.stop();
    await server.stop();
  }
}

console.error("Time from rov-client --auto start to first decoded frame (720p30, fresh process each run):");
const ttff = await firstFrames({ width: 1280, height: 720, fps: 30, bitrateKbps: 6636, seconds: 0 }, 5);
console.log(
  `time to first frame: median ${median(ttff).toFixed(0)} ms, min ${Math.min(...ttff).toFixed(0)}, max ${
    Math.max(...ttff).toFixed(0)
  } (5 runs)`,
);
for (const viewers of [1, 4]) {
  console.error(`rov-server at 1080p30 with ${viewers} viewer(s)...`);
  const load = await serverLoad(viewers);
  console.log(
    `1080p30, ${viewers} viewer(s): server CPU ${load.cpu.toFixed(0)}% of one core, RSS ${
      load.rss.toFixed(0)
    } MiB, viewers receive fps ${load.fps.map((f) => f.toFixed(1)).join(", ")}`,
  );
}
