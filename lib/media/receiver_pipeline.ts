/**
 * The client's running media: RTP packets pushed in from JavaScript, decoded and shown natively;
 * a frame tap reports each decoded frame; keys pressed in the window come back as events.
 */
import type { Pipeline } from "../ffi/pipeline.ts";
import type { AppSrc } from "../ffi/app_src.ts";
import type { Sample } from "../ffi/app_sink.ts";
import {
  BANNER,
  FRAMES_APPSINK,
  RECEIVER_APPSRC,
  RECEIVER_DEPAY,
  RECEIVER_SESSIONS,
  RECEIVER_WEBRTC,
  receiverDescription,
  type ReceiverOptions,
  STILL_APPSRC,
  UNITS_APPSINK,
  webrtcSourceDescription,
} from "./receiver.ts";
import type { WebRtcBin } from "../ffi/webrtc_bin.ts";
import type { UnitMark } from "../stats/damage.ts";
import type { Element } from "../ffi/element.ts";
import { RTP_PAYLOAD_TYPE } from "./sender.ts";
import { launch } from "./launch.ts";
import { describeMediaError, MediaError } from "./media_error.ts";
import { hostOs } from "../ffi/library_path.ts";
import { log } from "../log.ts";

/** What the RTP appsrc (werift input) may hold while the pipeline is behind. */
const APPSRC_MAX_BYTES = 8 * 1024 * 1024;

/** How often a frozen picture's banner is drawn again (its text may have changed). */
const STILL_EVERY_MS = 500;

export interface ReceiverHandlers {
  /** Each decoded frame (size and timestamp, and its first `frameBytes` bytes when asked). */
  onFrame: (frame: Sample) => void;
  /** How many bytes of each decoded frame to copy into `frame.data` (default none). */
  frameBytes?: number;
  /** Each access unit after the parser: its timestamp, and whether it is a keyframe or follows a loss. */
  onUnit?: (unit: UnitMark) => void;
  /** A key pressed in the video window ("q", "Escape", ...). */
  onKey?: (key: string) => void;
  /** The decoder reported damage: ask the sender for a keyframe. */
  onDecodeTrouble?: () => void;
  /** A fatal error (e.g. the window was closed or the sink failed). */
  onError: (error: MediaError) => void;
}

export class ReceiverPipeline {
  #pipeline: Pipeline;
  #source: AppSrc | undefined;
  #tap: Promise<void>;
  #units: Promise<void>;
  #closed = false;
  #decoder: Element | undefined;
  #options: ReceiverOptions;
  #banner: Element | undefined;
  #still: ReturnType<typeof setInterval> | undefined;

  constructor(options: ReceiverOptions, handlers: ReceiverHandlers) {
    this.#options = options;
    this.#pipeline = launch(receiverDescription(options));
    this.#source = options.input.kind === "appsrc" ? this.#pipeline.appSrc(RECEIVER_APPSRC) : undefined;
    // Packets pushed while the pipeline is behind wait at most ~4 s of 15 Mbit/s, then the oldest go.
    this.#source?.dropOldestBeyond({ bytes: APPSRC_MAX_BYTES });
    const frames = this.#pipeline.appSink(FRAMES_APPSINK);
    this.#pipeline.watch((event) => {
      if (this.#closed) return;
      if (event.type === "key") handlers.onKey?.(event.key);
      else if (event.type === "warning") {
        log.debug(`GStreamer warning from ${event.source}: ${event.message}`);
        if (event.source === "decoder") handlers.onDecodeTrouble?.();
      } else if (event.type === "error") {
        if (event.source === "decoder") return handlers.onDecodeTrouble?.();
        handlers.onError(new MediaError(describeMediaError(event.message, event.debug, { os: hostOs() })));
      }
    });
    // The banner's still: at most one waiting, the newest.
    if (options.sink) this.#pipeline.appSrc(STILL_APPSRC).dropOldestBeyond({ buffers: 1 });
    this.#pipeline.play();
    this.#waitOnlyForFirstKeyframes();
    this.#tap = (async () => {
      // The top rows of each frame: enough to read a pixel stamp, never the whole picture.
      // RTP and webrtcbin input: each frame carries the sender's NTP capture time from RTCP.
      const pull = { copyBytes: handlers.frameBytes ?? 0, ntpTime: options.input.kind !== "appsrc" };
      for await (const frame of frames.pull(pull)) handlers.onFrame(frame);
    })();
    const units = this.#pipeline.appSink(UNITS_APPSINK);
    this.#units = (async () => {
      for await (const unit of units.pull()) {
        if (unit.pts !== undefined) {
          handlers.onUnit?.({ pts: unit.pts, discont: unit.discont === true, key: unit.delta === false });
        }
      }
    })();
  }

  /**
   * A fresh webrtcbin in front of the running decoder (webrtc input), for the gstreamer engine to
   * negotiate one session with; `remove` stops and removes it when the session ends. The window and
   * the decoder stay: a reconnect shows the last picture until the new one comes.
   */
  newWebRtcBin(): { webrtc: WebRtcBin; remove(): Promise<void> } {
    if (this.#closed) throw new Error("The receiver pipeline is closed");
    const branch = this.#pipeline.addSource(
      RECEIVER_SESSIONS,
      webrtcSourceDescription(this.#options),
      RECEIVER_DEPAY,
      { requested: true },
    );
    this.#waitOnlyForFirstKeyframes();
    return {
      webrtc: branch.webrtcBin(RECEIVER_WEBRTC),
      remove: () => this.#closed ? Promise.resolve() : this.#pipeline.removeBranch(branch),
    };
  }

  /**
   * The depayloaders took WAIT_FOR_FIRST_KEYFRAME when they started (their state was set): each drops
   * what comes before its stream's first keyframe. Turned off now, a loss no longer starts a new wait,
   * in that first keyframe too: one that arrives damaged is still a picture (unless its very start is
   * lost: then the next one is).
   */
  #waitOnlyForFirstKeyframes(): void {
    this.#pipeline.setOnEach("rtph264depay", "wait-for-keyframe", false);
  }

  /**
   * Says `text` on the picture: the last frame is shown again (now and twice a second while no new
   * frame comes) with the text across its top; undefined clears it. Nothing without a window.
   */
  showBanner(text?: string): void {
    if (this.#closed || !this.#options.sink) return;
    const banner = this.#banner ??= this.#pipeline.element(BANNER);
    if (text === undefined) {
      clearInterval(this.#still);
      this.#still = undefined;
      banner.set("silent", true);
      return;
    }
    banner.set("text", text);
    banner.set("silent", false);
    const repeat = () => {
      if (!this.#closed) this.#pipeline.repeatLastFrame(FRAMES_APPSINK, STILL_APPSRC);
    };
    repeat();
    this.#still ??= setInterval(repeat, STILL_EVERY_MS);
  }

  /** Asks the sender for a keyframe from the decoder upstream (webrtcbin turns it into a PLI). */
  requestKeyFrame(): boolean {
    const decoder = this.#decoder ??= this.#pipeline.element("decoder");
    return decoder.requestKeyFrame();
  }

  /** Pushes one RTP packet; its payload type is set to the one the pipeline's caps name. */
  push(packet: Uint8Array<ArrayBuffer>): void {
    if (this.#closed || !this.#source || packet.byteLength < 12) return;
    packet[1] = (packet[1] & 0x80) | RTP_PAYLOAD_TYPE;
    this.#source.push(packet);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#still);
    await this.#pipeline.close();
    await Promise.all([this.#tap, this.#units]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
