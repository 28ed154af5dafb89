/**
 * The client's side of built-in latency: capture times the server sent per RTP timestamp, the
 * server's clock relative to ours, and the mapping from a decoded frame's timestamp back to its
 * RTP timestamp. With the jitter buffer in `mode=none`, a frame's PTS is base + RTP time, so one
 * known frame (the first keyframe) fixes the base for all later ones, whatever frames are dropped.
 */
import { ClockOffset } from "./clock_offset.ts";

const KEEP = 600; // capture times for the last ~20 s at 30 fps

export class CaptureTimes {
  readonly clock = new ClockOffset();
  #captures = new Map<number, number>();
  #firstKeyRtp: number | undefined;
  #base: bigint | undefined;

  /** The server's capture time (its clock) of the frame with RTP timestamp `rtp`. */
  addCapture(rtp: number, capture: number): void {
    this.#captures.set(rtp >>> 0, capture);
    if (this.#captures.size > KEEP) this.#captures.delete(this.#captures.keys().next().value!);
  }

  /** Notes the RTP timestamp of the first keyframe received: the decoder's first output. */
  keyFrame(rtp: number): void {
    this.#firstKeyRtp ??= rtp >>> 0;
  }

  /** The RTP timestamp of a decoded frame from its PTS (ns); the first call calibrates. */
  rtpOf(pts: bigint): number | undefined {
    if (this.#base === undefined) {
      if (this.#firstKeyRtp === undefined) return undefined;
      this.#base = pts * 9n / 100_000n - BigInt(this.#firstKeyRtp);
    }
    return Number(((pts * 9n / 100_000n - this.#base) % 4_294_967_296n + 4_294_967_296n) % 4_294_967_296n);
  }

  /** Capture → now latency (ms) of a decoded frame, on our clock; undefined if unknown yet. */
  latency(pts: bigint | undefined, nowMs: number): number | undefined {
    if (pts === undefined) return undefined;
    const rtp = this.rtpOf(pts);
    const offset = this.clock.offsetMs;
    if (rtp === undefined || offset === undefined) return undefined;
    // RTP timestamps can be off by one tick after the ns → 90 kHz round trip.
    const capture = this.#captures.get(rtp) ?? this.#captures.get((rtp + 1) >>> 0) ??
      this.#captures.get((rtp - 1) >>> 0);
    return capture === undefined ? undefined : nowMs - (capture - offset);
  }
}
