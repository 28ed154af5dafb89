/**
 * RTP packets back in sequence order for the werift engine, which hands every packet to JavaScript
 * as it arrives: a packet behind a gap waits (at most `waitMs`) for the missing one, which NACK
 * asks the server to send again. Packets in order pass at once, so this costs nothing while nothing
 * is lost.
 *
 * The receiver pipeline's rtpjitterbuffer cannot do this wait for werift's packets: in low-latency
 * mode it runs with mode=none (frames keep their RTP time, which maps them to capture times), and
 * there its deadline for a missing packet is RTP time + latency from the first packet; packets
 * arriving later than the first did (tens of ms here) found the deadline passed, were declared
 * lost at once, and their retransmissions dropped as too late (bench --faults: 58 % of frames
 * damaged at 2 % loss).
 */
import { rtpSequence } from "../stats/sequence_tracker.ts";

/** Packets held behind a gap at most (a second of 15 Mbit/s video): more means the gap is not coming. */
const MAX_HELD = 2000;

interface Held {
  packet: Uint8Array<ArrayBuffer>;
  at: number;
}

export class ReorderBuffer {
  readonly waitMs: number;
  #release: (packet: Uint8Array<ArrayBuffer>) => void;
  #onGiveUp: (() => void) | undefined;
  #next: number | undefined;
  #held = new Map<number, Held>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Retransmissions that came after their gap was given up (dropped: the frame went on without them). */
  late = 0;
  /** Gaps given up after `waitMs`. */
  skipped = 0;

  /**
   * Packets go to `release` in sequence order; `waitMs` 0 passes every packet on at once.
   * `onGiveUp` hears of each gap given up (the picture is damaged until the next keyframe).
   */
  constructor(
    waitMs: number,
    release: (packet: Uint8Array<ArrayBuffer>) => void,
    options: { onGiveUp?: () => void } = {},
  ) {
    this.waitMs = waitMs;
    this.#release = release;
    this.#onGiveUp = options.onGiveUp;
  }

  /** Takes one packet as it arrived (`now`: performance.now()). */
  push(packet: Uint8Array<ArrayBuffer>, now = performance.now()): void {
    if (this.waitMs <= 0) return this.#release(packet);
    const sequence = rtpSequence(packet);
    if (this.#next === undefined) {
      this.#pass(sequence, packet);
      return;
    }
    const ahead = (sequence - this.#next) & 0xffff;
    if (ahead === 0) {
      this.#pass(sequence, packet);
      this.#drain();
    } else if (ahead < 0x8000) {
      if (!this.#held.has(sequence)) this.#held.set(sequence, { packet, at: now });
      if (this.#held.size > MAX_HELD) this.flush();
      else this.#schedule();
    } else {
      this.late++; // behind the gap we gave up, or a duplicate
    }
  }

  /** Gives up every gap whose wait is over (`now`: performance.now()). */
  expire(now = performance.now()): void {
    while (this.#held.size > 0) {
      const [sequence, oldest] = this.#first();
      if (now - oldest.at < this.waitMs) break;
      this.skipped++;
      this.#next = sequence;
      this.#drain();
      this.#onGiveUp?.();
    }
    this.#schedule();
  }

  /** Passes on everything held, in order (closing, or too much held). */
  flush(): void {
    while (this.#held.size > 0) {
      this.#next = this.#first()[0];
      this.#drain();
    }
    this.#schedule();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held.clear();
  }

  #pass(sequence: number, packet: Uint8Array<ArrayBuffer>): void {
    this.#next = (sequence + 1) & 0xffff;
    this.#release(packet);
  }

  /** Passes on the held packets that now follow in order. */
  #drain(): void {
    for (let held = this.#held.get(this.#next!); held; held = this.#held.get(this.#next!)) {
      this.#held.delete(this.#next!);
      this.#pass(this.#next!, held.packet);
    }
  }

  /** The held packet nearest after the gap. */
  #first(): [number, Held] {
    let best: [number, Held] | undefined;
    let bestAhead = Infinity;
    for (const entry of this.#held) {
      const ahead = (entry[0] - this.#next!) & 0xffff;
      if (ahead < bestAhead) [best, bestAhead] = [entry, ahead];
    }
    return best!;
  }

  #schedule(): void {
    if (this.#held.size === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    if (this.#timer !== undefined) return;
    const wait = Math.max(1, this.waitMs - (performance.now() - this.#first()[1].at));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.expire();
    }, wait);
  }
}
