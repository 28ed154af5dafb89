/**
 * Keyframe requests from many viewers folded into few: at most one per interval, and a request
 * inside the interval is deferred to its end rather than lost (a new viewer always gets one soon).
 */
export class KeyFrameLimiter {
  #send: () => void;
  #intervalMs: number;
  #now: () => number;
  #last = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Requests received, from every viewer and path (PLI, HTTP). */
  requested = 0;
  /** Keyframes asked of the encoder for them. */
  sent = 0;

  constructor(send: () => void, options: { intervalMs?: number; now?: () => number } = {}) {
    this.#send = send;
    this.#intervalMs = options.intervalMs ?? 250;
    this.#now = options.now ?? (() => performance.now());
  }

  request(): void {
    this.requested++;
    const wait = this.#last + this.#intervalMs - this.#now();
    if (wait <= 0) return this.#fire();
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#fire();
    }, wait);
  }

  #fire(): void {
    this.#last = this.#now();
    this.sent++;
    this.#send();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
