/**
 * The RTP viewers the server knows of: plain RTP has no sessions, so a viewer exists for the status
 * page while it keeps reporting its latency (once a second), and is forgotten 5 s after it stops.
 */
import type { ViewerLatency } from "./routes.ts";

const FORGET_AFTER_MS = 5000;
/** However many ids arrive, the table stays small. */
const MAX_VIEWERS = 256;

export interface RtpViewer {
  id: string;
  latency: ViewerLatency;
  /** Unix ms of the last report. */
  at: number;
}

export class RtpViewers {
  #viewers = new Map<string, RtpViewer>();
  #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  report(id: string, latency: ViewerLatency): void {
    this.#forgetQuiet();
    this.#viewers.delete(id);
    this.#viewers.set(id, { id, latency, at: this.#now() });
    if (this.#viewers.size > MAX_VIEWERS) this.#viewers.delete(this.#viewers.keys().next().value!);
  }

  /** The viewers heard from in the last 5 s. */
  current(): RtpViewer[] {
    this.#forgetQuiet();
    return [...this.#viewers.values()];
  }

  #forgetQuiet(): void {
    const now = this.#now();
    for (const [id, viewer] of this.#viewers) {
      if (now - viewer.at > FORGET_AFTER_MS) this.#viewers.delete(id);
    }
  }
}
