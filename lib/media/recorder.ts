/**
 * Recording on the vehicle from the one encode (never a second one): a branch behind the sender's tee
 * writes fragmented MP4 (a fragment a second, so a power cut loses at most about a second), and a new
 * file every few minutes, each named after the date and time it began. A directory that
 * cannot be written, or a disk that fills, stops the recording with one line; the stream goes on.
 */
import type { Branch } from "../ffi/branch.ts";
import { log } from "../log.ts";
import type { TeeFeed } from "./tee_feed.ts";
import { quote } from "./source.ts";
import { osErrorReason } from "../os_error_reason.ts";

/** A new file this often. */
export const SEGMENT_MINUTES = 10;
/** An MP4 fragment this often, ms: what a power cut can lose. */
const FRAGMENT_MS = 1000;
/** How long a stopped recording has to write its last fragment. */
const DRAIN_MS = 300;
/** A new file begins this long before the last one is closed. */
const OVERLAP_MS = 500;

/**
 * rov-2026-12-02_06-13-05 (local time; rov-down-2026-… for a stream other than the first): sorts by
 * time, and is a valid file name everywhere.
 */
export function recordingBaseName(date: Date, stream?: string): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `rov-${stream ? `${stream}-` : ""}${date.getFullYear()}-${two(date.getMonth() + 1)}-${
    two(date.getDate())
  }_` +
    `${two(date.getHours())}-${two(date.getMinutes())}-${two(date.getSeconds())}`;
}

/** The recording branch: the tee's access units into one fragmented MP4 file, `file`. */
export function recordingDescription(file: string): string {
  return [
    // Its own thread, with room for a slow disk (2 s); past that the oldest frames go, never the stream.
    "queue max-size-buffers=0 max-size-bytes=0 max-size-time=2000000000 leaky=downstream",
    // MP4 stores H.264 as length-prefixed NAL units with SPS/PPS in its header.
    "h264parse",
    "video/x-h264,stream-format=avc,alignment=au",
    // Fragmented MP4: each fragment is complete on disk as soon as it is written. Not splitmuxsink:
    // it holds a whole GOP (2 s) in memory before muxing it, which a power cut loses.
    `mp4mux fragment-duration=${FRAGMENT_MS}`,
    `filesink location=${quote(file)} async=false`,
  ].join(" ! ");
}

/** What /api/recording and /api/status say of the recording. */
export interface RecordingState {
  recording: boolean;
  dir?: string;
  /** The file being written ("rov-2026-12-02_06-13-05.mp4"; a new one every few minutes). */
  file?: string;
  /** When the current recording began (ISO 8601). */
  since?: string;
  /** Why the last recording stopped by itself (directory, disk). */
  error?: string;
}

/** A recording that cannot start: the message says why, in one line. */
export class RecordingError extends Error {
  override name = "RecordingError";
}

export class Recorder {
  #feed: TeeFeed;
  #dir: string;
  #segmentMinutes: number;
  #branch: Branch | undefined;
  #file = "";
  #rotation: ReturnType<typeof setInterval> | undefined;
  #state: RecordingState = { recording: false };

  #stream: string | undefined;

  /** `options.stream`: the stream's name in the file names (none for the first stream). */
  constructor(feed: TeeFeed, dir: string, options: { segmentMinutes?: number; stream?: string } = {}) {
    this.#stream = options.stream;
    this.#feed = feed;
    this.#dir = dir;
    this.#segmentMinutes = options.segmentMinutes ?? SEGMENT_MINUTES;
  }

  get state(): RecordingState {
    return { ...this.#state, dir: this.#dir };
  }

  /** Starts recording (a no-op while recording); throws RecordingError when the directory will not do. */
  async start(): Promise<RecordingState> {
    if (this.#branch) return this.state;
    await writable(this.#dir);
    const since = new Date().toISOString();
    this.#begin();
    this.#state = { recording: true, file: this.#file, since };
    log.info(`Recording to ${this.#dir}/${this.#file} (a new file every ${this.#segmentMinutes} min)`);
    this.#rotation = setInterval(() => this.#rotate(), this.#segmentMinutes * 60_000);
    return this.state;
  }

  /** A branch writing a new file named after this moment. */
  #begin(): void {
    let file = `${recordingBaseName(new Date(), this.#stream)}.mp4`;
    // Two starts in one second: the second file gets a suffix rather than overwriting the first.
    for (let n = 2; exists(`${this.#dir}/${file}`); n++) {
      file = `${recordingBaseName(new Date(), this.#stream)}-${n}.mp4`;
    }
    const description = recordingDescription(`${this.#dir}/${file}`);
    log.debug(`recording branch: ${description}`);
    try {
      this.#branch = this.#feed.addBranch(description);
    } catch (error) {
      throw new RecordingError(
        `Cannot record to ${this.#dir}: ${error instanceof Error ? error.message : error}`,
      );
    }
    this.#file = file;
    // The file starts at a keyframe made now, not at the next periodic one (up to 2 s away).
    // Twice: a request just as the branch links can reach the encoder before the branch sees the
    // frame; the sender folds the second into one 250 ms later.
    this.#feed.requestKeyFrame();
    this.#feed.requestKeyFrame();
  }

  /** The next file: it starts before the last one ends, so no frame falls between them. */
  #rotate(): void {
    const old = this.#branch;
    if (!old) return;
    try {
      this.#begin();
    } catch (error) {
      log.warn(error instanceof Error ? error.message : String(error));
      return; // the current file goes on
    }
    this.#state = { ...this.#state, file: this.#file };
    log.info(`Recording to ${this.#dir}/${this.#file}`);
    setTimeout(() => void this.#feed.removeBranch(old, { drainMs: DRAIN_MS }).catch(() => {}), OVERLAP_MS);
  }

  /** Stops recording: the open file is finished (its last fragment written); a no-op when stopped. */
  async stop(): Promise<RecordingState> {
    const branch = this.#branch;
    if (!branch) return this.state;
    this.#branch = undefined;
    clearInterval(this.#rotation);
    // The muxer writes its last fragment on EOS: the file ends where the recording stopped.
    await this.#feed.removeBranch(branch, { drainMs: DRAIN_MS });
    this.#state = { recording: false };
    log.info(`Recording stopped (${this.#dir}/${this.#file})`);
    return this.state;
  }

  /** An error inside a branch: when it is the recording's, the recording stops with one line. */
  branchFailed(branch: string, message: string): void {
    if (this.#branch?.name !== branch) return;
    const error = `Recording to ${this.#dir} stopped: ${message.replace(/\.$/, "")}`;
    log.warn(error);
    const failed = this.#branch;
    this.#branch = undefined;
    clearInterval(this.#rotation);
    this.#state = { recording: false, error };
    void this.#feed.removeBranch(failed).catch(() => {});
  }

  async close(): Promise<void> {
    await this.stop();
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Makes `dir` when missing and proves a file can be written there; RecordingError otherwise. */
async function writable(dir: string): Promise<void> {
  const probe = `${dir}/.rov-write-test-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    throw new RecordingError(`Cannot record to ${dir}: ${osErrorReason(error)}`);
  }
}

/** Proves `file` can be written (rov-client --record), leaving it empty; RecordingError otherwise. */
export async function checkRecordFile(file: string): Promise<void> {
  try {
    await Deno.writeTextFile(file, "");
  } catch (error) {
    throw new RecordingError(`Cannot record to ${file}: ${osErrorReason(error)}`);
  }
}
