/**
 * An RTP viewer's link back to the server over HTTP: follows the server's clock (ten quick
 * exchanges, then one a second) so RTCP capture times can be read on this machine's clock, and
 * asks for keyframes so a viewer that joins mid-stream starts at once instead of at the next GOP;
 * reports its measured latency for the server's status page.
 */
import { ClockOffset } from "../stats/clock_offset.ts";
import { ntpToUnixMs, wallClockMs } from "../wall_clock.ts";
import {
  CLOCK_PATH,
  ClockExchangeError,
  KEYFRAME_PATH,
  latencyPath,
  parseClockReply,
} from "./clock_exchange.ts";
import { encodeTelemetry, type ViewerFigures } from "./telemetry.ts";
import { log } from "../log.ts";
import { serverFetch } from "./server_access.ts";

const KEYFRAME_INTERVAL_MS = 300;

/**
 * Keyframe requests over HTTP (`POST /api/keyframe`), at most one per 300 ms: what every viewer
 * uses besides (or instead of) RTCP PLI, which did not reach rov-server under loss on either engine.
 * The server coalesces requests across viewers.
 */
export class HttpKeyFrames {
  #origin: string;
  #signal: AbortSignal;
  #last = -Infinity;
  /** Requests sent. */
  sent = 0;

  #path: string;

  /** `options.stream`: the server's stream to ask (absent: its first). */
  constructor(origin: string, options: { signal: AbortSignal; stream?: string }) {
    this.#origin = origin;
    this.#signal = options.signal;
    this.#path = options.stream === undefined ? KEYFRAME_PATH : `${KEYFRAME_PATH}?stream=${options.stream}`;
  }

  /** Asks for a keyframe unless one was asked for within 300 ms; returns whether it asked. */
  request(options: { onError?: (error: unknown) => void } = {}): boolean {
    const now = performance.now();
    if (this.#signal.aborted || now - this.#last < KEYFRAME_INTERVAL_MS) return false;
    this.#last = now;
    this.sent++;
    const signal = AbortSignal.any([this.#signal, AbortSignal.timeout(TIMEOUT_MS)]);
    serverFetch(new URL(this.#path, this.#origin), { method: "POST", signal }).then(async (response) => {
      await response.body?.cancel();
      if (!response.ok) throw new ClockExchangeError(`POST ${KEYFRAME_PATH} answered ${response.status}`);
    }).catch((error) => options.onError?.(error));
    return true;
  }
}
const TIMEOUT_MS = 2000;

export class RtpControl {
  #base: string;
  #stop = new AbortController();
  #signal: AbortSignal;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #keyFrames: HttpKeyFrames;
  #warned = false;
  /** The server's clock relative to this one. */
  readonly clock = new ClockOffset();
  /** This viewer's id in the server's status page. */
  readonly id: string;

  /** `base` is the server's HTTP origin, e.g. http://10.0.0.2:8080. */
  /** `id`: the viewer id the server gave (a WebRTC viewer's); a new one for an RTP viewer. */
  /** `stream`: the server's stream this viewer watches (absent: its first), for keyframe requests. */
  constructor(base: string, options: { signal?: AbortSignal; id?: string; stream?: string } = {}) {
    this.#base = base;
    this.id = options.id ?? crypto.randomUUID();
    this.#signal = options.signal ? AbortSignal.any([options.signal, this.#stop.signal]) : this.#stop.signal;
    this.#keyFrames = new HttpKeyFrames(base, { signal: this.#signal, stream: options.stream });
    let sent = 0;
    const next = async () => {
      await this.#exchange();
      sent++;
      if (!this.#signal.aborted) this.#timer = setTimeout(next, sent < 10 ? 100 : 1000);
    };
    void next();
  }

  async #exchange(): Promise<void> {
    const t0 = wallClockMs();
    try {
      const response = await this.#fetch(CLOCK_PATH, "GET");
      const t3 = wallClockMs();
      const reply = parseClockReply(await response.text());
      this.clock.add({ t0, t1: reply.t1, t2: reply.t2, t3 });
    } catch (error) {
      this.#warn(error);
    }
  }

  /**
   * Capture → decoded latency (ms) of a frame carrying the server's capture time as NTP (from its
   * RTCP sender reports), read on this clock; undefined until the clocks are matched.
   */
  captureLatency(ntpTime: bigint | undefined, now: number): number | undefined {
    const capture = ntpTime === undefined ? undefined : this.clock.toLocal(ntpToUnixMs(ntpTime));
    return capture === undefined ? undefined : now - capture;
  }

  /** Asks the server for a keyframe, at most once per 300 ms. Returns whether one was asked. */
  requestKeyFrame(): boolean {
    return this.#keyFrames.request({ onError: (error) => this.#warn(error) });
  }

  get keyFramesRequested(): number {
    return this.#keyFrames.sent;
  }

  /** Tells the server this viewer's latency and damage figures, for its status page. */
  reportLatency(figures: ViewerFigures): void {
    if (this.#signal.aborted) return;
    const body = encodeTelemetry({ t: "latency", ...figures, offsetBoundMs: this.clock.boundMs });
    this.#fetch(latencyPath(this.id), "POST", body).then((r) => r.body?.cancel(), (e) => this.#warn(e));
  }

  async #fetch(path: string, method: string, body?: string): Promise<Response> {
    const signal = AbortSignal.any([this.#signal, AbortSignal.timeout(TIMEOUT_MS)]);
    const headers = body === undefined ? undefined : { "content-type": "application/json" };
    const response = await serverFetch(new URL(path, this.#base), { method, signal, body, headers });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ClockExchangeError(`${method} ${path} answered ${response.status}`);
    }
    return response;
  }

  /** The built-in figure is optional: say once why it is missing, never stop the video for it. */
  #warn(error: unknown): void {
    if (this.#signal.aborted || this.#warned) return;
    this.#warned = true;
    const reason = error instanceof Error ? error.message : String(error);
    log.info(`No clock exchange with rov-server at ${this.#base} (${reason}): built-in latency unavailable`);
  }

  close(): void {
    this.#stop.abort();
    clearTimeout(this.#timer);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
