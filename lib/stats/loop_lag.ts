/**
 * How late the event loop runs timers: the sign that JavaScript has more work than one core can do
 * (for the server: more RTP to encrypt and send than it can). Sampled every 20 ms.
 */
export class LoopLag {
  #timer: ReturnType<typeof setInterval>;
  #expected: number;
  #recent: number[] = [];
  readonly #periodMs: number;

  constructor(periodMs = 20) {
    this.#periodMs = periodMs;
    this.#expected = performance.now() + periodMs;
    this.#timer = setInterval(() => this.#sample(), periodMs);
    Deno.unrefTimer(this.#timer);
  }

  #sample(): void {
    const now = performance.now();
    this.#recent.push(Math.max(0, now - this.#expected));
    if (this.#recent.length > 10) this.#recent.shift();
    this.#expected = now + this.#periodMs;
  }

  /** The worst lateness over the last ~200 ms, in ms. */
  get lagMs(): number {
    return Math.max(0, ...this.#recent);
  }

  /**
   * The least lateness over the last ~100 ms: high only when every recent timer ran late, i.e. the
   * loop is saturated, not when one task (a DTLS handshake, a GC pause) held it once.
   */
  get sustainedLagMs(): number {
    const last = this.#recent.slice(-5);
    return last.length < 5 ? 0 : Math.min(...last);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
