/**
 * Keeps a restartable source (a camera, a --pipeline) going while the server runs. The source and its
 * encoder are their own bin in front of the viewers' tee; when it posts an error (a USB camera reset,
 * a capture process that died, an encoder that failed) or stops delivering frames, the bin is removed
 * and a fresh one is tried every retryMs until frames flow again. Signalling, discovery and every
 * viewer's session stay up meanwhile: one line says the source failed, one that it is back.
 */
import type { BusEvent, Pipeline } from "../ffi/pipeline.ts";
import type { Branch } from "../ffi/branch.ts";
import { log } from "../log.ts";

/** What viewers are told: the source delivers frames, or it is being retried. */
export type SourceState = "live" | "lost";

export interface SourceKeeperTiming {
  /** How often a lost source is tried again. */
  retryMs: number;
  /** A live source without a new frame this long has stalled (a camera that stopped delivering). */
  stallMs: number;
  /** A restarted source has this long to deliver its first frame (cameras take a moment to wake). */
  startMs: number;
  /** How often progress is looked at. */
  checkMs: number;
}

export const SOURCE_TIMING: SourceKeeperTiming = {
  // Twice a second, so the picture is back within about half a second of the source's return.
  retryMs: 500,
  stallMs: 2000,
  startMs: 5000,
  checkMs: 100,
};

/** The bin name of source bins: their bus messages are told from a viewer's by it. */
export const SOURCE_BIN_PREFIX = "source";

export interface SourceKeeperOptions {
  /** How the logs name the source: "Camera /dev/video0". */
  label: string;
  /** The source's bin (see `sourceBranchDescription`). */
  description: string;
  /** The element the bin feeds (a funnel: each bin gets its own request pad). */
  into: string;
  /** The bin's last element. */
  from: string;
  /** A count that grows while frames come out of the source (frames encoded, bytes sent). */
  progress: () => number;
  /** Readies each bin once it is in the pipeline (its encoder's settings). */
  prepare?: (bin: Branch) => void;
  /** One line for an error the source posted (or its encoder: it is in the bin). */
  describe: (event: Extract<BusEvent, { type: "error" }>) => string;
  /** The source came back after `lostMs`: the encoder should start with a keyframe. */
  onBack?: (lostMs: number) => void;
  timing?: Partial<SourceKeeperTiming>;
}

type KeeperState = "live" | "starting" | "lost";

export class SourceKeeper {
  #pipeline: Pipeline;
  #options: SourceKeeperOptions;
  #timing: SourceKeeperTiming;
  #branch: Branch | undefined;
  #state: KeeperState = "live";
  #timer: ReturnType<typeof setInterval> | undefined;
  #removing: Promise<void> = Promise.resolve();
  #lastProgress = -1;
  #progressAt = 0;
  #startedAt = 0;
  #nextTryAt = 0;
  #lostAt: number | undefined;
  #closed = false;
  /** Times a fresh source bin was tried after a failure. */
  restarts = 0;
  /** Failures (errors and stalls) since the server started. */
  failures = 0;
  /** The last failure's reason. */
  lastError: string | undefined;

  constructor(pipeline: Pipeline, options: SourceKeeperOptions) {
    this.#pipeline = pipeline;
    this.#options = options;
    this.#timing = { ...SOURCE_TIMING, ...options.timing };
  }

  /** How the logs name the source: "Camera /dev/video0". */
  get label(): string {
    return this.#options.label;
  }

  get state(): SourceState {
    return this.#state === "live" ? "live" : "lost";
  }

  /** How long the source has been lost, ms (0 while live). */
  get lostMs(): number {
    return this.#lostAt === undefined ? 0 : performance.now() - this.#lostAt;
  }

  /** Adds the first bin; throws when it cannot start (the caller reports that as the start-up error). */
  add(): void {
    this.#branch = this.#addBin();
  }

  /** Starts watching: from now on a failure is retried, not fatal. */
  watch(): void {
    this.#progressAt = performance.now();
    this.#lastProgress = this.#options.progress();
    this.#timer = setInterval(() => this.#check(), this.#timing.checkMs);
  }

  /** Whether `event` came from a source bin (this one or a removed one); such events are handled here. */
  owns(event: BusEvent): boolean {
    if (event.type !== "error" && event.type !== "warning") return false;
    return new RegExp(`/GstBin:${SOURCE_BIN_PREFIX}\\d+`).test(event.path);
  }

  /** Handles an event `owns` said is a source bin's: an error of the current bin is a failure. */
  handle(event: BusEvent): void {
    if (event.type !== "error" && event.type !== "warning") return;
    const current = this.#branch !== undefined && event.path.includes(`/GstBin:${this.#branch.name}/`);
    if (event.type === "error" && current && this.#timer !== undefined) {
      this.#fail(this.#options.describe(event));
    } else log.debug(`Source ${event.type} from ${event.path}: ${event.message}`);
  }

  #addBin(): Branch {
    const bin = this.#pipeline.addSource(this.#options.into, this.#options.description, this.#options.from, {
      requested: true,
      prefix: SOURCE_BIN_PREFIX,
    });
    this.#options.prepare?.(bin);
    return bin;
  }

  #fail(reason: string): void {
    const now = performance.now();
    this.failures++;
    this.lastError = reason;
    if (this.#state === "live") {
      this.#lostAt = now;
      log.warn(`${this.#options.label} failed: ${reason}; retrying every ${this.#timing.retryMs / 1000} s`);
    } else log.debug(`${this.#options.label} still failing: ${reason}`);
    this.#state = "lost";
    this.#nextTryAt = now + this.#timing.retryMs;
    const branch = this.#branch;
    this.#branch = undefined;
    if (branch) this.#removing = this.#removing.then(() => this.#pipeline.removeBranch(branch));
  }

  #check(): void {
    if (this.#closed) return;
    const now = performance.now();
    const progress = this.#options.progress();
    if (progress !== this.#lastProgress) {
      this.#lastProgress = progress;
      this.#progressAt = now;
      if (this.#state === "starting") this.#back(now);
      return;
    }
    if (this.#state === "live" && now - this.#progressAt > this.#timing.stallMs) {
      this.#fail(`no frames for ${(this.#timing.stallMs / 1000).toFixed(0)} s`);
    } else if (this.#state === "starting" && now - this.#startedAt > this.#timing.startMs) {
      this.#fail(`no frames within ${(this.#timing.startMs / 1000).toFixed(0)} s of reopening it`);
    } else if (this.#state === "lost" && now >= this.#nextTryAt) {
      this.#nextTryAt = Infinity; // until this try has settled
      void this.#retry();
    }
  }

  async #retry(): Promise<void> {
    await this.#removing;
    if (this.#closed) return;
    this.restarts++;
    this.#lastProgress = this.#options.progress();
    try {
      this.#branch = this.#addBin();
      this.#state = "starting";
      this.#startedAt = performance.now();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.debug(`${this.#options.label} did not start again: ${reason}`);
      this.#nextTryAt = performance.now() + this.#timing.retryMs;
    }
  }

  #back(now: number): void {
    const lostMs = now - (this.#lostAt ?? now);
    this.#state = "live";
    this.#lostAt = undefined;
    log.info(`${this.#options.label} is back after ${(lostMs / 1000).toFixed(1)} s`);
    this.#options.onBack?.(lostMs);
  }

  /** Stops watching (the pipeline's close removes the bin). Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#removing;
  }
}
