/**
 * The client's link to a server, kept up until the user quits: connect (rediscovering with --auto),
 * watch the picture, and when it stops, tell a cut link (keep the session: it resumes by itself)
 * from a server that is gone or restarted (connect again at once), then retry with a backoff capped
 * at 1 s. Engine-agnostic: the session comes from `connect`; pure timing, tested with fake sessions.
 */
import type { ViewerLiveness } from "../signalling/offer_client.ts";
import { log } from "../log.ts";

/**
 * What the link is doing, for the status line and the window; "source-lost": the session is up but
 * the server's camera has failed (the server retries it, the session waits for it).
 */
export type LinkState = "connecting" | "live" | "stalled" | "source-lost" | "reconnecting";

/** One session with a server, however it was made. */
export interface LinkSession {
  /** Settles with the reason when the session fails or the server ends it. */
  failed: Promise<Error>;
  /** Whether the server still has this session (undefined: the session cannot be asked about). */
  probe?: (signal: AbortSignal) => Promise<ViewerLiveness>;
  /** Asks the server for a keyframe. */
  requestKeyFrame?: () => void;
  /** Whether its media path is up (ICE and DTLS done); undefined: the session cannot tell. */
  connected?: () => boolean;
  close(): Promise<void>;
}

/** What a frozen picture says in each state (nothing while it is live, or before the first frame). */
export function linkBanner(state: LinkState, server: string): string | undefined {
  switch (state) {
    case "stalled":
      return `No video from rov-server at ${server}: waiting for the link`;
    case "reconnecting":
      return `Reconnecting to rov-server at ${server}...`;
    case "source-lost":
      return `The camera of rov-server at ${server} has failed: the server is retrying it`;
    default:
      return undefined;
  }
}

export interface LinkTiming {
  /**
   * A live picture that stops this long (4–5 frames at 30 fps) asks for a keyframe, again every
   * repairEveryMs while it stays stopped: a loss that retransmission did not mend ends at the next
   * keyframe, which the server makes at once.
   */
  repairMs: number;
  repairEveryMs: number;
  /** A session that shows no picture this long after it was made is abandoned. */
  pictureTimeoutMs: number;
  /**
   * A session whose media path is not up this long after it was made is abandoned sooner: ICE and
   * DTLS take ~100 ms on a tether, a lost DTLS flight a second more (OpenSSL's first resend); past
   * that, under 2 % loss, an attempt now and then never connected at all, and waited out
   * pictureTimeoutMs.
   */
  connectTimeoutMs: number;
  /**
   * A session whose media path is not up this long gets a second attempt beside it, and the first of
   * the two to connect is kept (0: none). A lost DTLS flight costs ~1 s (OpenSSL's first resend, in
   * GStreamer 1.22); an attempt that loses two costs 3 s. Connecting takes ~100 ms otherwise.
   */
  hedgeMs: number;
  /** A connected session without a picture this long asks for a keyframe (again every repairEveryMs). */
  firstPictureMs: number;
  /** No picture this long: the link is stalled and the server is asked about the session. */
  stallMs: number;
  /** How often a stalled session is asked about. */
  probeEveryMs: number;
  /** A stalled session the server still has (or that cannot be asked about) is given up after this. */
  giveUpMs: number;
  /** The first retry waits this long; each next one twice as long, up to maxBackoffMs. */
  firstBackoffMs: number;
  maxBackoffMs: number;
}

export const LINK_TIMING: LinkTiming = {
  repairMs: 150,
  repairEveryMs: 300,
  pictureTimeoutMs: 4000,
  connectTimeoutMs: 2000,
  hedgeMs: 500,
  firstPictureMs: 700,
  stallMs: 600,
  probeEveryMs: 500,
  // Under the server's 10 s for a vanished viewer: a 3 s cut keeps the session; a longer silence
  // from a server that still lists us is a broken session, made again.
  giveUpMs: 8000,
  firstBackoffMs: 250,
  maxBackoffMs: 1000,
};

export interface ViewerLinkOptions<S extends LinkSession> {
  /** Finds the server (with --auto) and makes a session; throws with a one-line reason. */
  connect: (signal: AbortSignal) => Promise<S>;
  /** `performance.now()` of the last decoded frame, 0 before any. */
  lastPictureAt: () => number;
  /** false (--no-reconnect): the first session's end (or a failed connect) ends run() with its reason. */
  reconnect: boolean;
  /** An error of `connect` that retrying cannot mend (e.g. the server refused the offer): run() throws it. */
  isFatal?: (error: unknown) => boolean;
  onState?: (state: LinkState, reason?: string) => void;
  signal: AbortSignal;
  timing?: Partial<LinkTiming>;
  /** Waits `ms` (tests pass a fake clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Keeps sessions with a server; `run()` resolves when `signal` aborts. */
export class ViewerLink<S extends LinkSession> {
  #options: ViewerLinkOptions<S>;
  #timing: LinkTiming;
  #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  #now: () => number;
  #session: S | undefined;
  #state: LinkState | undefined;
  /** Sessions made, the first included. */
  sessions = 0;

  constructor(options: ViewerLinkOptions<S>) {
    this.#options = options;
    this.#timing = { ...LINK_TIMING, ...options.timing };
    this.#sleep = options.sleep ?? abortableSleep;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The session now in use, if any. */
  get session(): S | undefined {
    return this.#session;
  }

  get state(): LinkState | undefined {
    return this.#state;
  }

  #set(state: LinkState, reason?: string): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState?.(state, reason);
  }

  /** Connects, watches and reconnects until `signal` aborts; with reconnect off, throws the first end. */
  async run(): Promise<void> {
    const { signal } = this.#options;
    let backoff = 0;
    let lastReason: string | undefined;
    while (!signal.aborted) {
      const attempt = new AbortController();
      const abort = () => attempt.abort();
      signal.addEventListener("abort", abort, { once: true });
      let reason: string | undefined;
      try {
        if (this.#state === undefined) this.#set("connecting");
        const session = await this.#options.connect(attempt.signal);
        this.sessions++;
        this.#session = session;
        reason = await this.#watch(session, attempt.signal);
        if (reason === undefined) return; // stopped
        if (this.#state === "live" || this.#state === "stalled") {
          backoff = 0;
          lastReason = undefined;
        }
      } catch (error) {
        if (signal.aborted) return;
        if (!this.#options.reconnect || this.#options.isFatal?.(error)) throw error;
        reason = error instanceof Error ? error.message : String(error);
      } finally {
        attempt.abort();
        signal.removeEventListener("abort", abort);
        const session = this.#session;
        this.#session = undefined;
        await session?.close().catch(() => {});
      }
      if (!this.#options.reconnect) throw new Error(reason);
      // Said once while it stays the same (a server that is down fails each retry alike).
      if (reason !== lastReason) log.info(`Reconnecting: ${reason}`);
      lastReason = reason;
      this.#set("reconnecting", reason);
      if (backoff > 0) await this.#sleep(backoff, signal);
      backoff = Math.min(this.#timing.maxBackoffMs, Math.max(this.#timing.firstBackoffMs, backoff * 2));
    }
  }

  /** Watches one session until it ends: the reason, or undefined when the link is being stopped. */
  async #watch(first: S, signal: AbortSignal): Promise<string | undefined> {
    // Each session not connected in time gets one attempt beside it: at most two are in flight.
    const hedges = { current: new Hedge<S>(this.#options.connect, signal) };
    try {
      return await this.#follow(first, hedges, signal);
    } finally {
      await hedges.current.drop();
    }
  }

  async #follow(first: S, hedges: { current: Hedge<S> }, signal: AbortSignal): Promise<string | undefined> {
    const t = this.#timing;
    let session = first;
    let startedAt = this.#now();
    let failure: string | undefined;
    const follow = (s: S) => void s.failed.then((error) => s === session && (failure = error.message));
    follow(session);
    let probing: Promise<void> | undefined;
    let liveness: ViewerLiveness | undefined;
    let lastProbe = -Infinity;
    let repairAt = -Infinity;
    /** When the session last had reason to expect no picture (made, or the server's camera lost). */
    let waitedSince = startedAt;
    /**
     * Takes the second attempt as the session (it connected first, or the first timed out); it may
     * have an attempt beside it in its turn.
     */
    const adopt = (next: { session: S; startedAt: number }, why: string) => {
      log.debug(`Keeping the second attempt: ${why}`);
      hedges.current.forget();
      hedges.current = new Hedge<S>(this.#options.connect, signal);
      void session.close().catch(() => {});
      session = next.session;
      this.#session = session;
      this.sessions++;
      startedAt = waitedSince = next.startedAt;
      failure = undefined;
      follow(session);
    };
    while (!signal.aborted) {
      if (failure !== undefined) return failure;
      const now = this.#now();
      const last = this.#options.lastPictureAt();
      const live = last > startedAt;
      const fresh = live && now - last < t.stallMs;
      if (fresh) liveness = undefined;
      // A server that restarted, or stopped, before or after the picture began.
      if (!fresh && liveness === "unknown") return "rov-server restarted (it no longer has this viewer)";
      if (!fresh && liveness === "refused") return "rov-server is not running";
      const sourceLost = !fresh && liveness === "source-lost";
      if (live && !sourceLost && now - last >= t.repairMs && now - repairAt >= t.repairEveryMs) {
        repairAt = now;
        log.debug(`No picture for ${(now - last).toFixed(0)} ms: asking for a keyframe`);
        session.requestKeyFrame?.();
      }
      if (
        !fresh && session.probe && probing === undefined && now - lastProbe >= t.probeEveryMs &&
        (live || now - startedAt >= t.stallMs)
      ) {
        // Stalled, or no picture yet: does the server still have us, and does its camera deliver?
        lastProbe = now;
        probing = session.probe(signal).then((answer) => {
          liveness = answer;
          probing = undefined;
        }, () => probing = undefined);
      }
      if (fresh) this.#set("live");
      else if (sourceLost) {
        // Nothing to mend on this side: the session waits for the server's camera to come back.
        this.#set("source-lost", "the camera of rov-server has failed; the server is retrying it");
        waitedSince = now;
      } else if (!live) {
        const hedge = hedges.current;
        const connected = session.connected?.();
        if (connected === false && t.hedgeMs > 0 && now - startedAt >= t.hedgeMs) hedge.make(now);
        const second = hedge.made;
        if (connected === true) void hedge.drop();
        else if (second && second.session.connected?.() === true) {
          adopt(second, "it connected first");
          continue;
        }
        // Connected, yet no picture: the keyframe it started with may have been lost beyond repair,
        // and nothing decoded means nothing damaged to ask again for it.
        if (
          session.connected?.() === true && now - startedAt >= t.firstPictureMs &&
          now - repairAt >= t.repairEveryMs
        ) {
          repairAt = now;
          log.debug(`No first picture after ${(now - startedAt).toFixed(0)} ms: asking for a keyframe`);
          session.requestKeyFrame?.();
        }
        if (session.connected?.() === false && now - startedAt > t.connectTimeoutMs) {
          if (second) {
            // As a reconnect would, but the attempt made beside it is already on its way.
            const reason = `not connected within ${
              t.connectTimeoutMs / 1000
            } s (ICE or DTLS did not complete)`;
            if (this.#state !== "reconnecting") log.info(`Reconnecting: ${reason}`);
            this.#set("reconnecting", reason);
            adopt(second, `the first was ${reason}`);
            continue;
          }
          return `not connected within ${t.connectTimeoutMs / 1000} s (ICE or DTLS did not complete)`;
        }
        if (now - waitedSince > t.pictureTimeoutMs) {
          return `no picture within ${t.pictureTimeoutMs / 1000} s of connecting`;
        }
      } else {
        const silent = Math.min(now - last, now - waitedSince);
        this.#set("stalled", `no video for ${(silent / 1000).toFixed(1)} s`);
        if (silent > t.giveUpMs) return `no video for ${(silent / 1000).toFixed(0)} s`;
      }
      await this.#sleep(live ? 25 : 50, signal);
    }
    return undefined;
  }
}

/**
 * At most one second attempt beside a session that is slow to connect: made once, then either
 * adopted by the link, or dropped (closed) when the first connects or the session ends.
 */
class Hedge<S extends LinkSession> {
  #connect: (signal: AbortSignal) => Promise<S>;
  #signal: AbortSignal;
  #abort: AbortController | undefined;
  #pending: Promise<void> | undefined;
  #tried = false;
  /** The second session once it is made, until the link adopts it or it is dropped. */
  made: { session: S; startedAt: number } | undefined;

  constructor(connect: (signal: AbortSignal) => Promise<S>, signal: AbortSignal) {
    this.#connect = connect;
    this.#signal = signal;
  }

  /** Starts the second attempt, once. */
  make(now: number): void {
    if (this.#tried) return;
    this.#tried = true;
    const abort = this.#abort = new AbortController();
    const stop = () => abort.abort();
    this.#signal.addEventListener("abort", stop, { once: true });
    log.debug("Not connected yet: a second attempt beside it");
    this.#pending = this.#connect(abort.signal).then((session) => {
      if (abort.signal.aborted) void session.close().catch(() => {});
      else this.made = { session, startedAt: now };
    }, (error) => log.debug(`The second attempt failed: ${error instanceof Error ? error.message : error}`))
      .finally(() => this.#signal.removeEventListener("abort", stop));
  }

  /** The second session is the link's now: drop() leaves it (its signal is no longer aborted). */
  forget(): void {
    this.made = undefined;
    this.#abort = undefined;
  }

  /** Stops the attempt and closes its session unless the link adopted it. */
  async drop(): Promise<void> {
    this.#abort?.abort();
    await this.#pending;
    const made = this.made;
    this.made = undefined;
    await made?.session.close().catch(() => {});
  }
}
