/**
 * NTP-style estimate of another machine's clock from request/response exchanges: each sample gives
 * offset = ((t1 − t0) + (t2 − t3)) / 2 with error at most ± rtt/2, so the samples with the lowest
 * round trip are kept. The estimate is the offset of the best sample; `boundMs` its error bound.
 */

export interface ClockSample {
  /** Local send time. */
  t0: number;
  /** Remote receive time. */
  t1: number;
  /** Remote send time. */
  t2: number;
  /** Local receive time. */
  t3: number;
}

export class ClockOffset {
  #best: { offset: number; rtt: number; at: number }[] = [];
  readonly #keep: number;

  constructor(keep = 8) {
    this.#keep = keep;
  }

  /** Adds one exchange; returns its round trip (remote processing excluded). */
  add(sample: ClockSample): number {
    const rtt = (sample.t3 - sample.t0) - (sample.t2 - sample.t1);
    const offset = ((sample.t1 - sample.t0) + (sample.t2 - sample.t3)) / 2;
    this.#best.push({ offset, rtt: Math.max(0, rtt), at: sample.t3 });
    this.#best.sort((a, b) => a.rtt - b.rtt);
    if (this.#best.length > this.#keep) this.#best.length = this.#keep;
    return rtt;
  }

  /** remote clock − local clock, in ms; undefined before the first sample. */
  get offsetMs(): number | undefined {
    return this.#best[0]?.offset;
  }

  /** The error bound of `offsetMs`: half the best round trip. */
  get boundMs(): number | undefined {
    const best = this.#best[0];
    return best === undefined ? undefined : best.rtt / 2;
  }

  /** A remote time expressed on the local clock. */
  toLocal(remoteMs: number): number | undefined {
    const offset = this.offsetMs;
    return offset === undefined ? undefined : remoteMs - offset;
  }
}
