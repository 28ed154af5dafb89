/**
 * One camera as rov-server serves it: its source, its one encode (or its own H.264 passed through),
 * the WebRTC engine that serves its viewers, and its recorder. rov-server runs one per stream
 * (--stream), each with its own figures; the entry point composes them with HTTP, RTSP, discovery
 * and MAVLink.
 */
import type { ServerOptions } from "../cli/server_options.ts";
import { DEFAULT_STREAM } from "../signalling/stream_name.ts";
import { MediaError } from "../media/media_error.ts";
import type { HostOs } from "../ffi/library_path.ts";
import { hasElement } from "../ffi/gst.ts";
import { listVideoDevices } from "../ffi/device_monitor.ts";
import { cameraChoice } from "../media/device_list.ts";
import { chooseJpegDecoder } from "../media/source.ts";
import { type EncoderName, encoderProfile } from "../media/encoder.ts";
import type { H264Profile } from "../media/h264.ts";
import { type Choice, chooseEncoder } from "../media/codec_choice.ts";
import { gstRegistry } from "../media/codec_probe.ts";
import {
  RTP_BRANCH_SINK,
  rtpBranchDescription,
  type RtpOutput,
  type UdpDestination,
} from "../media/sender.ts";
import type { Element } from "../ffi/element.ts";
import { CliError } from "../cli/cli_error.ts";
import { SenderPipeline } from "../media/sender_pipeline.ts";
import { isMulticast } from "../media/receiver.ts";
import { Recorder } from "../media/recorder.ts";
import { RtpForward } from "../media/rtp_forward.ts";
import { rtspVideoEncoding } from "../media/rtsp_describe.ts";
import { OfferError } from "../webrtc/h264_codec.ts";
import { isWildcard } from "../webrtc/ice_policy.ts";
import type { IceOptions } from "../webrtc/ice_policy.ts";
import type { WebRtcEngineName, WebRtcServer } from "../webrtc/engine.ts";
import { GstServer } from "../webrtc/gst_server.ts";
import type { WeriftServer } from "../webrtc/werift_server.ts";
import type { ViewerKind, ViewerLatency } from "../signalling/routes.ts";
import { SignallingError } from "../signalling/session_description.ts";
import { log } from "../log.ts";

/** What the WebRTC path (werift, SRTP in JavaScript) carries without loss here: ~2,000 packets/s. */
export const WEBRTC_MAX_KBPS = 20_000;

/**
 * Where the encode goes: a tee for webrtcbin viewers, the appsink for werift's fan-out, or the RTP
 * destination (on the interface of --host when given).
 */
export function rtpOutput(options: ServerOptions, engine: WebRtcEngineName | undefined): RtpOutput {
  if (options.transport === "webrtc") return engine === "gstreamer" ? { kind: "tee" } : { kind: "appsink" };
  const byHost = isWildcard(options.host)
    ? undefined
    : Deno.networkInterfaces().find((i) => i.address === options.host)?.name;
  const iface = options.rtpInterface ?? (isMulticast(options.rtpHost) ? byHost : undefined);
  return { kind: "udp", host: options.rtpHost, port: options.rtpPort, ttl: 1, multicastInterface: iface };
}

/**
 * A camera the device monitor knows is opened in the cheapest mode for the requested size and rate
 * (its own H.264 sent as it is, unless an encoder is named); the choice and why are logged.
 */
async function withCameraMode(options: ServerOptions): Promise<ServerOptions> {
  const choice = cameraChoice(await listVideoDevices(), { ...options, h264: options.encoder === "auto" });
  if (!choice) return options;
  log.info(`Camera /dev/video${options.device}: ${choice.reason}`);
  const { kind, width, height, pixelFormat } = choice.format;
  return {
    ...options,
    passthrough: kind === "h264",
    cameraMode: { kind, width, height, fps: choice.fps, pixelFormat },
    jpegDecoder: chooseJpegDecoder(hasElement),
  };
}

/**
 * An IP camera that is not asked to re-encode is passed through when it sends H.264 (or cannot be
 * asked what it sends); one that sends something else is decoded and encoded once, and says so.
 */
async function withCameraCodec(options: ServerOptions): Promise<ServerOptions> {
  if (options.source !== "rtsp" || !options.passthrough || !options.url) return options;
  const encoding = await rtspVideoEncoding(options.url);
  if (encoding === undefined || encoding === "H264") return options;
  log.info(
    `The RTSP camera ${options.url} sends ${encoding}, not H.264: decoding it and encoding H.264 once`,
  );
  return { ...options, passthrough: false };
}

async function checkFile(options: ServerOptions): Promise<void> {
  if (options.source !== "file" || !options.file) return;
  const info = await Deno.stat(options.file).catch(() => undefined);
  if (!info) throw new MediaError(`Cannot open file ${options.file}: no such file`);
  if (!info.isFile) throw new MediaError(`Cannot open file ${options.file}: not a regular file`);
}

/** What every stream of one server shares. */
export interface StreamContext {
  os: HostOs;
  ice: IceOptions;
  /** The engine every stream's viewers get (undefined with --transport rtp). */
  engine: WebRtcEngineName | undefined;
  /** Whether the server's event loop runs late (werift then sheds packets). */
  overloaded: () => boolean;
  /** The stream's pipeline failed for good (or its file ended: 0). */
  onFailure: (error: Error | 0) => void;
}

export class ServedStream {
  readonly name: string;
  readonly options: ServerOptions;
  readonly encoder: Choice<EncoderName> | undefined;
  readonly profile: H264Profile;
  readonly output: RtpOutput;
  readonly sender: SenderPipeline;
  readonly webrtc: WebRtcServer | undefined;
  /** Recording, where the stream has a tee to record from (the gstreamer engine). */
  readonly recorder: Recorder | undefined;
  /** Only rov-server's own pictures carry pixel stamps; a camera's or a file's never do. */
  readonly stamps: boolean;
  /** Plain RTP sent next to WebRTC (--rtp), each from a branch behind the tee. */
  readonly rtpOutputs: UdpDestination[];
  /** Each --rtp branch's udpsink, for the bytes it has sent. */
  #rtpSinks: Element[];
  /** RTP to relays (--forward), with their keyframe requests. */
  readonly forwards: RtpForward[];
  #closed = false;

  private constructor(fields: {
    options: ServerOptions;
    encoder: Choice<EncoderName> | undefined;
    profile: H264Profile;
    output: RtpOutput;
    sender: SenderPipeline;
    webrtc: WebRtcServer | undefined;
    recorder: Recorder | undefined;
    rtpOutputs: UdpDestination[];
    rtpSinks: Element[];
    forwards: RtpForward[];
  }) {
    this.forwards = fields.forwards;
    this.rtpOutputs = fields.rtpOutputs;
    this.#rtpSinks = fields.rtpSinks;
    this.name = fields.options.streamName;
    this.options = fields.options;
    this.encoder = fields.encoder;
    this.profile = fields.profile;
    this.output = fields.output;
    this.sender = fields.sender;
    this.webrtc = fields.webrtc;
    this.recorder = fields.recorder;
    this.stamps = this.options.source === "stamp" || this.options.source === "test";
  }

  /** Opens the source, chooses the encoder and starts serving; throws MediaError or CliError. */
  static async start(given: ServerOptions, context: StreamContext): Promise<ServedStream> {
    await checkFile(given);
    const options = given.source === "webcam" && context.os === "linux"
      ? await withCameraMode(given)
      : await withCameraCodec(given);
    const encoder = options.passthrough ? undefined : await chooseEncoder(options.encoder, gstRegistry());
    if (options.source === "rtsp" && options.passthrough) {
      log.info(
        `The IP camera's H.264 is sent as it comes: keyframes come at the camera's own interval (it ` +
          `cannot be asked for one), so a new viewer's picture may take that long (--encoder x264 re-encodes)`,
      );
    }
    if (options.source === "webcam" && options.passthrough) {
      log.info(
        `The camera's own H.264 is sent as it is: it cannot be asked for a keyframe when a viewer joins, ` +
          `so it is set to make one each second where its V4L2 controls allow (--encoder x264 re-encodes)`,
      );
    }
    const profile = encoderProfile({ element: encoder?.element ?? "", maxQuality: options.maxQuality });
    const output = rtpOutput(options, context.engine);
    if (output.kind === "appsink" && !options.passthrough && options.bitrateKbps > WEBRTC_MAX_KBPS) {
      log.warn(
        `${options.bitrateKbps} kbit/s is more than the WebRTC path carries without loss here (about ` +
          `${WEBRTC_MAX_KBPS / 1000} Mbit/s with werift): use the gstreamer engine or --transport rtp`,
      );
    }
    let werift: WeriftServer | undefined;
    let native: GstServer | undefined;
    let recorder: Recorder | undefined;
    const sender = await SenderPipeline.start({
      ...options,
      os: context.os,
      encoder: encoder
        ? {
          element: encoder.element,
          bitrateKbps: options.bitrateKbps,
          lowLatency: options.lowLatency,
          maxQuality: options.maxQuality,
        }
        : undefined,
      passthrough: options.passthrough,
      output,
    }, {
      onPacket: (packet, pts) => werift?.push(packet, pts),
      onBranchError: (branch, message) => {
        native?.branchFailed(branch, message);
        recorder?.branchFailed(branch, message);
      },
      onError: (error) => context.onFailure(error),
      onEnd: () => {
        log.info("End of file: stopping (without --no-loop the file loops)");
        context.onFailure(0);
      },
    });
    const requestKeyFrame = () => sender.requestKeyFrame();
    let webrtc: WebRtcServer | undefined;
    const rtpOutputs: UdpDestination[] = [];
    const rtpSinks: Element[] = [];
    const forwards: RtpForward[] = [];
    try {
      for (const [option, given] of [["--rtp", options.rtp], ["--forward", options.forward]] as const) {
        if (given.length > 0 && output.kind !== "tee") {
          throw new CliError(
            `${option} is sent from the gstreamer engine's tee: not with --webrtc-engine werift`,
          );
        }
      }
      for (const { host, port } of options.rtp) {
        const destination: UdpDestination = {
          kind: "udp",
          host,
          port,
          ttl: 1,
          multicastInterface: isMulticast(host) ? options.rtpInterface : undefined,
        };
        const description = rtpBranchDescription(destination);
        log.debug(`RTP output to ${host}:${port}: ${description}`);
        rtpSinks.push(sender.addBranch(description).element(RTP_BRANCH_SINK));
        rtpOutputs.push(destination);
      }
      for (const target of options.forward) forwards.push(RtpForward.start(sender, target));
      if (output.kind === "tee") {
        webrtc = native = new GstServer({
          ice: context.ice,
          profile,
          sender,
          requestKeyFrame,
          rtpTimestampOffset: () => sender.captureRtpOffset(),
        });
        // rov-2026-…mp4 for the default stream, rov-down-2026-…mp4 for a stream named down.
        recorder = new Recorder(sender, options.recordDir, {
          stream: options.streamName === DEFAULT_STREAM ? undefined : options.streamName,
        });
      } else if (output.kind === "appsink") {
        // werift is loaded only when its engine runs (importing it costs ~300 ms).
        const { WeriftServer } = await import("../webrtc/werift_server.ts");
        webrtc = werift = new WeriftServer({
          ice: context.ice,
          profile,
          overloaded: context.overloaded,
          requestKeyFrame,
          captureWallMs: (pts) => sender.captureWallMs(pts),
        });
      }
    } catch (error) {
      for (const forward of forwards) await forward.close();
      await sender.close();
      throw error;
    }
    return new ServedStream({
      options,
      encoder,
      profile,
      output,
      sender,
      webrtc,
      recorder,
      rtpOutputs,
      rtpSinks,
      forwards,
    });
  }

  /** Answers a viewer's offer; SignallingError when it cannot be served now. */
  async answer(
    offer: string,
    kind: ViewerKind,
  ): Promise<{ id: string; answer: string; engine?: string; stamps?: boolean }> {
    if (!this.webrtc) {
      throw new SignallingError(
        409,
        "This server sends plain RTP (--transport rtp): use rov-client --transport rtp or /stream.sdp",
      );
    }
    if (this.webrtc.viewers().length >= this.options.maxViewers) {
      throw new SignallingError(
        503,
        `This stream serves at most ${this.options.maxViewers} viewers (--max-viewers)`,
        { retryAfterS: 5 },
      );
    }
    try {
      return { ...await this.webrtc.answer(offer, kind), engine: this.webrtc.engine, stamps: this.stamps };
    } catch (error) {
      if (error instanceof OfferError) throw new SignallingError(400, error.message);
      throw error;
    }
  }

  hasViewer(id: string): boolean {
    return this.webrtc?.viewers().some((v) => v.id === id) ?? false;
  }

  /** A WebRTC viewer's latency reported over HTTP; false when it is not this stream's. */
  reportLatency(id: string, latency: ViewerLatency): boolean {
    return this.webrtc?.reportLatency(id, latency) ?? false;
  }

  /** This stream's figures for /api/status. */
  status(): Record<string, unknown> {
    const { options, output, sender, encoder, webrtc } = this;
    return {
      name: this.name,
      source: options.source,
      // A camera or --pipeline source that fails is retried: its state, failures and the last reason.
      sourceFaults: sender.sourceFaults(),
      webrtcEngine: webrtc?.engine ?? null,
      passthrough: options.passthrough,
      // Whether a viewer's keyframe request makes one (an encoder does; a camera's H.264 does not).
      keyFramesOnRequest: encoder !== undefined,
      stamps: this.stamps,
      // Viewers' RTP timestamps are capture times (90 kHz, the server's wall clock, mod 2^32):
      // the browser page's latency figure.
      rtpClock: output.kind === "tee" ? "capture" : null,
      encoder: encoder?.element ?? null,
      profile: this.profile,
      width: options.width,
      height: options.height,
      fps: options.fps,
      bitrateKbps: encoder ? options.bitrateKbps : null,
      lowLatency: options.lowLatency,
      packetsEncoded: output.kind === "tee" ? null : sender.packets,
      framesEncoded: sender.frames,
      bytesEncoded: sender.bytes,
      keyFrameRequests: sender.keyFrameRequests,
      keyFramesSent: sender.keyFramesSent,
      overloadPauses: webrtc?.overloadPauses ?? 0,
      packetsShed: webrtc?.packetsShed ?? 0,
      viewers: webrtc?.viewers() ?? [],
      recording: this.recorder?.state ?? null,
      // Every way out of this one encode.
      outputs: [
        ...(webrtc ? [{ kind: "webrtc", engine: webrtc.engine, viewers: webrtc.viewers().length }] : []),
        ...(output.kind === "udp" ? [{ kind: "rtp", host: output.host, port: output.port }] : []),
        // Bytes sent to each: what the vehicle's upstream carries for it, however many watch beyond.
        ...this.rtpOutputs.map((o, i) => ({
          kind: "rtp",
          host: o.host,
          port: o.port,
          bytesSent: Number(this.#rtpSinks[i].get("bytes-served")),
        })),
        ...this.forwards.map((f) => f.status()),
      ],
    };
  }

  /** Viewers first (they hold sockets), then the recorder and the pipeline; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.webrtc?.close();
    for (const sink of this.#rtpSinks) sink.close();
    for (const forward of this.forwards) await forward.close();
    await this.recorder?.close();
    await this.sender.close();
  }
}
