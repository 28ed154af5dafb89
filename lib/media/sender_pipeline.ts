/**
 * The server's running media: one pipeline that captures and encodes once and hands every RTP
 * packet to JavaScript, keyframes on request, and a looping file source.
 */
import type { Pipeline } from "../ffi/pipeline.ts";
import type { Element } from "../ffi/element.ts";
import type { AppSink } from "../ffi/app_sink.ts";
import {
  BRANCH_PAYLOADER,
  captureRtpOffset,
  SENDER_APPSINK,
  SENDER_TEE,
  senderDescription,
  type SenderOptions,
  SOURCE_INPUT,
  SOURCE_OUTPUT,
  sourceBranchDescription,
} from "./sender.ts";
import { SourceKeeper, type SourceKeeperTiming, type SourceState } from "./source_keeper.ts";
import type { Branch } from "../ffi/branch.ts";
import { trimHeap } from "../ffi/heap.ts";
import { asMediaError, launch } from "./launch.ts";
import { describeMediaError, MediaError, noVideoIn } from "./media_error.ts";
import { KeyFrameLimiter } from "./key_frame_limiter.ts";
import { wallClockMs } from "../wall_clock.ts";
import { STAMP_APPSRC, StampSource } from "./stamp_source.ts";
import { FILE_SEGMENT, isMpegTs, isRestartable, sourceLabel, syntheticSize } from "./source.ts";
import { log } from "../log.ts";

export interface SenderHandlers {
  /** Every RTP packet, in order, with its frame's timestamp (pipeline running time, ns). */
  onPacket: (packet: Uint8Array<ArrayBuffer>, pts?: bigint) => void;
  /** A failure after start (camera unplugged, file unreadable): the stream has stopped. */
  onError: (error: MediaError) => void;
  /** The file ended and does not loop. */
  onEnd?: () => void;
  /** An error inside one viewer's branch (tee output): that viewer has failed, the stream has not. */
  onBranchError?: (branch: string, message: string) => void;
}

export interface SenderStartOptions {
  /** Loop a file source at its end. */
  loop: boolean;
  /** How long to wait for the first packet before calling the source dead. */
  startTimeoutMs?: number;
  /** A restartable source's retry timing (tests shorten it). */
  sourceTiming?: Partial<SourceKeeperTiming>;
}

/** The C heap is trimmed this long after the last viewer's branch was removed. */
const TRIM_AFTER_MS = 500;

/** A file's first bytes, enough to tell its container (an unreadable file: none). */
async function fileHead(path: string): Promise<Uint8Array> {
  try {
    using file = await Deno.open(path);
    const head = new Uint8Array(1024);
    const read = await file.read(head);
    return head.subarray(0, read ?? 0);
  } catch {
    return new Uint8Array();
  }
}

/** At most one keyframe per this interval, however many viewers ask (requests in between wait). */
const KEYFRAME_INTERVAL_MS = 250;

/** One line for an error the pipeline posted, saying what the user can do about it. */
function describeError(event: { message: string; debug?: string }, options: SenderOptions): string {
  const context = { os: options.os, source: options, passthrough: options.passthrough };
  return describeMediaError(event.message, event.debug, context);
}

/**
 * Makes the encoder itself fold keyframe requests: webrtcbin viewers' PLIs and FIRs travel upstream
 * to it natively, past JavaScript's limiter. GstVideoEncoder (GStreamer 1.18+) defers requests inside
 * the interval to its end; on older versions the property is absent and requests pass as they come.
 */
function limitEncoderKeyFrames(encoder: Element): void {
  try {
    if (encoder.has("min-force-key-unit-interval")) {
      encoder.set("min-force-key-unit-interval", KEYFRAME_INTERVAL_MS * 1_000_000);
    }
  } finally {
    encoder.close();
  }
}

export class SenderPipeline {
  #pipeline: Pipeline;
  #payloader: Element;
  /** A file source's FILE_SEGMENT element, where a loop's seek starts. */
  #fileSegment: Element | undefined;
  #keyFrames: KeyFrameLimiter;
  #pump: Promise<void>;
  #closed = false;
  #handlers: SenderHandlers;
  #stamps: StampSource | undefined;
  #keeper: SourceKeeper | undefined;
  /** RTP packets (or, with a tee output, access units) and their bytes, out of the encoder. */
  packets = 0;
  bytes = 0;
  frames = 0;

  private constructor(
    pipeline: Pipeline,
    handlers: SenderHandlers,
    options: SenderOptions & SenderStartOptions,
    firstPacket: () => void,
  ) {
    this.#pipeline = pipeline;
    this.#handlers = handlers;
    // The force-key-unit event goes upstream from the payloader (or the tee) to the encoder.
    this.#output = options.output;
    this.#payloader = pipeline.element(options.output.kind === "tee" ? SENDER_TEE : BRANCH_PAYLOADER);
    if (options.source === "file") this.#fileSegment = pipeline.element(FILE_SEGMENT);
    // A looping file that cannot be looped in segments moves this offset on at each loop (see #loop);
    // it starts at a known value.
    if (options.source === "file" && options.loop && options.output.kind !== "tee") {
      this.#payloader.set("timestamp-offset", 0);
    }
    this.#keyFrames = new KeyFrameLimiter(() => {
      if (!this.#closed) this.#payloader.requestKeyFrame();
    }, { intervalMs: KEYFRAME_INTERVAL_MS });
    // A restartable source's encoder is in its bin: each new bin's is set as it is added.
    if (!options.passthrough && !isRestartable(options.source)) {
      limitEncoderKeyFrames(pipeline.element("encoder"));
    }
    if ((options.source === "stamp" || options.source === "test") && !options.passthrough) {
      const [width, height] = syntheticSize(options);
      const frames = pipeline.appSrc(STAMP_APPSRC);
      // Frames made while the encoder is behind: the newest two wait, older ones are dropped.
      frames.dropOldestBeyond({ buffers: 2 });
      this.#stamps = new StampSource(frames, width, height, {
        clock: options.source === "test",
      });
    }
    if (isRestartable(options.source)) this.#keeper = this.#keepSource(options);
    // With a UDP output GStreamer sends by itself; JavaScript only watches.
    this.#pump = options.output.kind !== "udp"
      ? this.#forward(pipeline.appSink(SENDER_APPSINK), firstPacket)
      : Promise.resolve();
    pipeline.watch((event) => {
      if (this.#closed) return;
      // Before start-up has finished, a source that fails is the start-up error (below); after, it
      // is retried.
      if (this.#keeper?.owns(event) && (this.#running || event.type !== "error")) {
        this.#keeper.handle(event);
      } else if (
        event.type === "state" && options.output.kind === "udp" && /^pipeline\d+$/.test(event.source)
      ) {
        if (event.to === "playing") firstPacket();
      } else if (event.type === "error" && /\/GstBin:branch\d+/.test(event.path)) {
        // One viewer's branch failed (its peer went away mid-handshake, say): that viewer only.
        const branch = /\/GstBin:(branch\d+)/.exec(event.path)![1];
        log.debug(`Viewer branch ${branch}: ${event.message} (${event.path}: ${event.debug ?? ""})`);
        this.#handlers.onBranchError?.(branch, event.message);
      } else if (event.type === "error") {
        this.#handlers.onError(new MediaError(describeError(event, options)));
      } else if (event.type === "warning") {
        log.debug(`GStreamer warning from ${event.source}: ${event.message}`);
      } else if (event.type === "eos") {
        // A file that ends before its first packet had no usable video; parsebin does not always
        // post an error for a stream nothing could link to (a VP8 file in passthrough).
        if (options.source === "file" && this.#sentNothing(options.output)) {
          this.#handlers.onError(new MediaError(noVideoIn(options.file, options.passthrough)));
        } else if (options.source === "file" && options.loop) this.#loop(options.fps);
        else this.#handlers.onEnd?.();
      } else if (event.type === "segment-done") {
        // A looping file goes back to its start without a flush: see #loopInSegments. The seek goes
        // from in front of the outputs: sent from the pipeline, it would go from every sink, and fail
        // while a viewer's handshake holds its transport back (the stream would end at the loop).
        if (this.#fileSegment?.seekToStart({ flush: false, segment: true })) log.debug("file looped");
        else this.#handlers.onEnd?.();
      }
    });
  }

  #rtpOffset = 0;
  #output: SenderOptions["output"];
  /** Start-up has finished: from now on a restartable source's failure is retried. */
  #running = false;

  /**
   * A camera or --pipeline source, in its own bin in front of the encoder: retried when it fails. Its
   * progress is what comes out of the encoder (access units, packets, or bytes the udpsink sent).
   */
  #keepSource(options: SenderOptions & SenderStartOptions): SourceKeeper {
    const udpSink = options.output.kind === "udp" ? this.#pipeline.element(SENDER_APPSINK) : undefined;
    return new SourceKeeper(this.#pipeline, {
      label: sourceLabel(options),
      description: sourceBranchDescription(options),
      into: SOURCE_INPUT,
      from: SOURCE_OUTPUT,
      progress: () => udpSink ? Number(udpSink.get("bytes-served")) : this.packets,
      prepare: (bin) => {
        if (!options.passthrough) limitEncoderKeyFrames(bin.element("encoder"));
      },
      describe: (event) => describeError(event, options),
      onBack: () => this.#keyFrames.request(),
      // A slow camera (a few frames a second) is not taken for a stalled one.
      timing: { stallMs: Math.max(2000, 10_000 / options.fps), ...options.sourceTiming },
    });
  }

  /** Whether nothing has been sent yet; a UDP output is only watched once it has a packet count. */
  #sentNothing(output: SenderOptions["output"]): boolean {
    return output.kind !== "udp" && this.packets === 0;
  }

  /**
   * Loops a file that cannot be looped in segments (an MPEG-TS file): a flushing seek to the start
   * restarts running time at 0, so the RTP timestamp offset is moved on by the time played, and
   * timestamps keep rising across the loop (receivers' jitter buffers would take a jump back as a
   * stream of late packets). Behind the tee the flush reaches every webrtcbin viewer, whose session
   * ends at it.
   */
  #loop(fps: number): void {
    const played = this.#pipeline.runningTime() ?? 0n;
    const ticks = Math.round(Number(played) * 9e-5) + Math.round(90000 / fps);
    this.#rtpOffset = (this.#rtpOffset + ticks) % 2 ** 32;
    // Behind the tee each viewer's payloader has its own offset: the sessions end at the flush anyway.
    if (this.#output.kind !== "tee") this.#payloader.set("timestamp-offset", this.#rtpOffset);
    if (this.#pipeline.seekToStart()) log.debug("file looped");
    else this.#handlers.onEnd?.();
  }

  /**
   * Loops the file in segments, whatever the output: one flushing segment seek at the start, once the
   * first frame is out (a demuxer takes seeks once it has its streams; before any viewer), then each
   * end of the file (segment-done) seeks back without flushing. Running time, and with it every RTP
   * timestamp (payloaders stamp running time) and capture time, goes on rising across loops, and no
   * flush reaches a webrtcbin viewer, whose session would end at one. A file that cannot be looped so
   * is looped by #loop at its end.
   */
  async #loopInSegments(file: string): Promise<void> {
    if (this.#output.kind === "udp") {
      // Start-up ended at PLAYING: the first frame is out once the UDP sink has sent something.
      const sink = this.#pipeline.element(SENDER_APPSINK);
      try {
        for (let waited = 0; Number(sink.get("bytes-served")) === 0 && waited < 5000; waited += 10) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        sink.close();
      }
    }
    if (this.#closed) return;
    // MPEG-TS loops by #loop (see isMpegTs).
    if (!isMpegTs(await fileHead(file)) && this.#pipeline.seekToStart({ segment: true })) return;
    log.debug("The file cannot be looped in segments: it is looped with a flush at its end");
  }

  async #forward(sink: AppSink, firstPacket: () => void): Promise<void> {
    // A tee output's tap sees access units: counted, never copied into JavaScript.
    const copy = this.#output.kind === "appsink";
    for await (const sample of sink.pull({ copy })) {
      this.packets++;
      this.bytes += sample.size ?? 0;
      if (this.packets === 1) firstPacket();
      if (!copy) {
        this.frames++;
        continue;
      }
      if (!sample.data) continue;
      if (sample.data[1] & 0x80) this.frames++;
      this.#handlers.onPacket(sample.data, sample.runningTime);
    }
  }

  /**
   * Adds a branch behind the tee (tee output only): a viewer's (see `viewerBranchDescription`), RTSP's
   * feed, the recording. Started and linked: webrtcbin's answer needs the payloader's caps.
   */
  addBranch(description: string): Branch {
    if (this.#output.kind !== "tee") throw new Error("Branches need the tee output");
    log.debug(`branch: ${description}`);
    return this.#pipeline.addBranch(SENDER_TEE, description);
  }

  async removeBranch(branch: Branch, options: { drainMs?: number } = {}): Promise<void> {
    await this.#pipeline.removeBranch(branch, options);
    this.#trimSoon();
  }

  #trimTimer: ReturnType<typeof setTimeout> | undefined;

  /** The heap is trimmed once viewers have stopped leaving for a moment (see `trimHeap`). */
  #trimSoon(): void {
    clearTimeout(this.#trimTimer);
    this.#trimTimer = setTimeout(() => {
      if (!this.#closed) void trimHeap();
    }, TRIM_AFTER_MS);
  }

  /** Builds and plays the pipeline; resolves at the first RTP packet, rejects with a MediaError. */
  static async start(
    options: SenderOptions & SenderStartOptions,
    handlers: SenderHandlers,
  ): Promise<SenderPipeline> {
    const context = { source: options, passthrough: options.passthrough };
    const pipeline = launch(senderDescription(options), context);
    let sender: SenderPipeline | undefined;
    try {
      const started = Promise.withResolvers<void>();
      // A file gives its first packet within milliseconds; a camera may take seconds to wake.
      const timeoutMs = options.startTimeoutMs ?? (options.source === "file" ? 5000 : 10_000);
      const timer = setTimeout(
        () =>
          started.reject(
            new MediaError(
              // parsebin sometimes swallows the error for a stream nothing could link to (VP8 in
              // passthrough), and the pipeline just stalls: the same line as when it does not.
              options.source === "file" && options.passthrough
                ? noVideoIn(options.file, true)
                : `No video from the ${options.source} source within ${timeoutMs / 1000} s`,
            ),
          ),
        timeoutMs,
      );
      sender = new SenderPipeline(
        pipeline,
        {
          ...handlers,
          onError: (error) => started.reject(error),
        },
        options,
        () => started.resolve(),
      );
      pipeline.play();
      sender.#stamps?.start(options.fps);
      if (sender.#keeper) await sender.#addFirstSource(started.promise);
      await started.promise.finally(() => clearTimeout(timer));
      if (options.source === "file" && options.loop && options.file) {
        await sender.#loopInSegments(options.file);
      }
      sender.#handlers = handlers;
      sender.#running = true;
      sender.#keeper?.watch();
      return sender;
    } catch (error) {
      await (sender?.close() ?? pipeline.close());
      throw asMediaError(error, context);
    }
  }

  /**
   * Adds a restartable source's first bin. When it cannot start, GStreamer's own reason arrives on the
   * bus a moment later and rejects `started`; that line is the one the user sees.
   */
  async #addFirstSource(started: Promise<void>): Promise<void> {
    try {
      this.#keeper!.add();
    } catch (error) {
      const late = new Promise((resolve) => setTimeout(resolve, 1000));
      await Promise.race([started, late]);
      const reason = error instanceof Error ? error.message : String(error);
      throw new MediaError(`${this.#keeper!.label} did not start: ${reason}`);
    }
  }

  /** Whether a restartable source delivers frames ("lost" while it is retried); always live otherwise. */
  get sourceState(): SourceState {
    return this.#keeper?.state ?? "live";
  }

  /** A restartable source's failures and retries, for /api/status (undefined for other sources). */
  sourceFaults(): {
    state: SourceState;
    failures: number;
    restarts: number;
    lostForS: number;
    lastError?: string;
  } | undefined {
    const keeper = this.#keeper;
    if (!keeper) return undefined;
    return {
      state: keeper.state,
      failures: keeper.failures,
      restarts: keeper.restarts,
      lostForS: Math.round(keeper.lostMs / 100) / 10,
      lastError: keeper.lastError,
    };
  }

  #wallOffset: { ms: number; at: number } | undefined;

  /**
   * The wall-clock time (ms) of a buffer timestamp: when the frame was captured (the source stamps
   * buffers with the running time at capture). The clock mapping is refreshed once a second.
   */
  captureWallMs(pts: bigint): number | undefined {
    const now = performance.now();
    if (!this.#wallOffset || now - this.#wallOffset.at > 1000) {
      const running = this.#pipeline.runningTime();
      if (running === undefined) return undefined;
      this.#wallOffset = { ms: wallClockMs() - Number(running) / 1e6, at: now };
    }
    return this.#wallOffset.ms + Number(pts) / 1e6;
  }

  /** See `captureRtpOffset`; undefined before the pipeline runs. */
  captureRtpOffset(): number | undefined {
    const wall = this.captureWallMs(0n);
    return wall === undefined ? undefined : captureRtpOffset(wall);
  }

  /** An element of the running pipeline by name, at any depth (the encoder in a source's bin too). */
  element(name: string): Element {
    return this.#pipeline.element(name);
  }

  /** Asks the encoder for a keyframe (rate-limited; deferred, never dropped). */
  requestKeyFrame(): void {
    this.#keyFrames.request();
  }

  get keyFramesSent(): number {
    return this.#keyFrames.sent;
  }

  /** Keyframe requests received (folded into `keyFramesSent`). */
  get keyFrameRequests(): number {
    return this.#keyFrames.requested;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#trimTimer);
    await this.#keeper?.close();
    this.#keyFrames.close();
    this.#stamps?.stop();
    await this.#pipeline.close();
    await this.#pump;
    this.#payloader.close();
    this.#fileSegment?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
