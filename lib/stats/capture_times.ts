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
  #sent = new Map<number, number>();
  #received = new Map<number, number>();
  #firstKeyRtp: number | undefined;
  #base: bigint | undefined;

  /** The server's capture time (its clock) of the frame with RTP timestamp `rtp`. */
  addCapture(rtp: number, capture: number, sent?: number): void {
    this.#captures.set(rtp >>> 0, capture);
    if (sent !== undefined) this.#sent.set(rtp >>> 0, sent);
    if (this.#captures.size > KEEP) this.#captures.delete(this.#captures.keys().next().value!);
    if (this.#sent.size > KEEP) this.#sent.delete(this.#sent.keys().next().value!);
  }

  /**
   * Notes that the last packet of frame `rtp` reached JavaScript at `nowMs`: with the decoded time
   * this splits the delay into capture → received and received → decoded (jitter buffer, depayload,
   * decode).
   */
  frameReceived(rtp: number, nowMs: number): void {
    this.#received.set(rtp >>> 0, nowMs);
    if (this.#received.size > KEEP) this.#received.delete(this.#received.keys().next().value!);
  }

  /**
   * The figures known for a decoded frame: its capture time (server clock), when the server sent it,
   * when it reached us, and the clock offset. A frame's RTP timestamp can come back one tick off
   * after the ns → 90 kHz round trip, so neighbours count too.
   */
  #frame(pts: bigint | undefined) {
    if (pts === undefined) return undefined;
    const rtp = this.rtpOf(pts);
    if (rtp === undefined) return undefined;
    const near = (map: Map<number, number>) =>
      map.get(rtp) ?? map.get((rtp + 1) >>> 0) ?? map.get((rtp - 1) >>> 0);
    return {
      capture: near(this.#captures),
      sent: near(this.#sent),
      received: near(this.#received),
      offset: this.clock.offsetMs,
    };
  }

  /** Capture → handed to the network on the server (encode + packetize + appsink), when known. */
  sentLatency(pts: bigint | undefined): number | undefined {
    const f = this.#frame(pts);
    return f?.sent === undefined || f.capture === undefined ? undefined : f.sent - f.capture;
  }

  /** Capture → received-in-JavaScript latency (ms) of a decoded frame, when known. */
  receivedLatency(pts: bigint | undefined): number | undefined {
    const f = this.#frame(pts);
    if (f?.received === undefined || f.capture === undefined || f.offset === undefined) return undefined;
    return f.received - (f.capture - f.offset);
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
    const f = this.#frame(pts);
    if (f?.capture === undefined || f.offset === undefined) return undefined;
    return nowMs - (f.capture - f.offset);
  }
}
