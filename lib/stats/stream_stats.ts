/** The client's running figures, and the status line printed each second. */
import { percentile } from "./percentiles.ts";

export interface StatusSnapshot {
  /** False when packets are not seen by JavaScript (RTP transport): no bitrate or loss figures. */
  network: boolean;
  fps: number;
  mbps: number;
  lost: number;
  lostPercent: number;
  width?: number;
  height?: number;
  frames: number;
  /** Capture → decoded latency over the window, when frames carry pixel stamps. */
  latencyP50?: number;
  latencyP95?: number;
  /** The same from the server's capture times and the clock exchange (built-in). */
  builtInP50?: number;
  builtInP95?: number;
  /** Gaps between decoded frames above FREEZE_MS since the start: how many, their sum, the longest. */
  freezes: number;
  frozenMs: number;
  longestFreezeMs: number;
  /** Frames decoded with data of theirs, or of a frame they depend on, missing (since the start). */
  damaged: number;
}

/** A gap between two decoded frames longer than this is a freeze the pilot sees (3 frames at 30 fps). */
export const FREEZE_MS = 100;

export class StreamStats {
  #now: () => number;
  #windowStart: number;
  #windowFrames = 0;
  #windowBytes = 0;
  #windowPackets = 0;
  #windowLost = 0;
  #windowLatency: number[] = [];
  #windowBuiltIn: number[] = [];
  frames = 0;
  bytes = 0;
  packets = 0;
  width?: number;
  height?: number;
  freezes = 0;
  frozenMs = 0;
  longestFreezeMs = 0;
  damaged = 0;
  #lastFrameAt: number | undefined;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
    this.#windowStart = now();
  }

  /** Packets received since the last call: `packets` arrived with `bytes` in all, `lost` did not. */
  traffic(bytes: number, packets: number, lost: number): void {
    this.bytes += bytes;
    this.packets += packets;
    this.#windowBytes += bytes;
    this.#windowPackets += packets;
    this.#windowLost += lost;
  }

  /** A decoded frame, of this size; `damaged` when data it needed never arrived (DamageTracker). */
  frame(width?: number, height?: number, damaged = false): void {
    if (damaged) this.damaged++;
    const now = this.#now();
    if (this.#lastFrameAt !== undefined && now - this.#lastFrameAt > FREEZE_MS) {
      const gap = now - this.#lastFrameAt;
      this.freezes++;
      this.frozenMs += gap;
      this.longestFreezeMs = Math.max(this.longestFreezeMs, gap);
    }
    this.#lastFrameAt = now;
    this.frames++;
    this.#windowFrames++;
    if (width !== undefined) this.width = width;
    if (height !== undefined) this.height = height;
  }

  /** One frame's capture → decoded latency in ms. */
  latency(ms: number): void {
    this.#windowLatency.push(ms);
  }

  /** One frame's built-in capture → decoded latency in ms. */
  builtIn(ms: number): void {
    this.#windowBuiltIn.push(ms);
  }

  /** Figures since the last snapshot, then starts a new window. */
  snapshot(): StatusSnapshot {
    const now = this.#now();
    const seconds = Math.max(0.001, (now - this.#windowStart) / 1000);
    const expected = this.#windowPackets + this.#windowLost;
    const snap: StatusSnapshot = {
      network: this.packets > 0,
      fps: this.#windowFrames / seconds,
      mbps: (this.#windowBytes * 8) / seconds / 1e6,
      lost: this.#windowLost,
      lostPercent: expected === 0 ? 0 : (100 * this.#windowLost) / expected,
      width: this.width,
      height: this.height,
      frames: this.frames,
      latencyP50: percentile(this.#windowLatency, 50),
      latencyP95: percentile(this.#windowLatency, 95),
      builtInP50: percentile(this.#windowBuiltIn, 50),
      builtInP95: percentile(this.#windowBuiltIn, 95),
      freezes: this.freezes,
      frozenMs: this.frozenMs,
      longestFreezeMs: this.longestFreezeMs,
      damaged: this.damaged,
    };
    this.#windowLatency = [];
    this.#windowBuiltIn = [];
    this.#windowStart = now;
    this.#windowFrames =
      this.#windowBytes =
      this.#windowPackets =
      this.#windowLost =
        0;
    return snap;
  }
}

/** "fps 30.0 | 6.52 Mbit/s | lost 0 (0.0%) | 1280x720 | frames 300" */
export function formatStatus(snap: StatusSnapshot, extra: string[] = []): string {
  const size = snap.width ? `${snap.width}x${snap.height}` : "no video yet";
  const network = snap.network
    ? [`${snap.mbps.toFixed(2)} Mbit/s`, `lost ${snap.lost} (${snap.lostPercent.toFixed(1)}%)`]
    : [];
  return [
    `fps ${snap.fps.toFixed(1)}`,
    ...network,
    size,
    ...latencyFields(snap),
    `frames ${snap.frames}`,
    ...(snap.damaged > 0
      ? [`damaged ${snap.damaged} (${(100 * snap.damaged / Math.max(1, snap.frames)).toFixed(1)}%)`]
      : []),
    ...(snap.freezes > 0
      ? [
        `freezes ${snap.freezes} (${(snap.frozenMs / 1000).toFixed(1)} s, longest ${
          snap.longestFreezeMs.toFixed(0)
        } ms)`,
      ]
      : []),
    ...extra,
  ].join(" | ");
}

/** "latency p50 9.8 ms p95 14.0 ms" from pixel stamps when present, and the built-in figure. */
function latencyFields(snap: StatusSnapshot): string[] {
  const fields: string[] = [];
  if (snap.latencyP50 !== undefined) {
    fields.push(`latency p50 ${snap.latencyP50.toFixed(1)} ms p95 ${snap.latencyP95!.toFixed(1)} ms`);
  }
  if (snap.builtInP50 !== undefined) {
    const label = snap.latencyP50 === undefined ? "latency" : "built-in";
    fields.push(`${label} p50 ${snap.builtInP50.toFixed(1)} ms p95 ${snap.builtInP95!.toFixed(1)} ms`);
  }
  return fields;
}
