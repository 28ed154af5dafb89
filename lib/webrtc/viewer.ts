/**
 * One viewer of the server's stream: a werift peer connection that answers the viewer's offer and
 * sends the shared RTP packets. Viewers never touch the encoder except to ask for a keyframe.
 */
import { type RTCDataChannel, RTCPeerConnection, type RTCRtpSender, type RtpPacket } from "werift";
import {
  decodeTelemetry,
  encodeTelemetry,
  TELEMETRY_LABEL,
  TelemetryError,
} from "../signalling/telemetry.ts";
import type { ViewerLatency } from "../signalling/routes.ts";
import { wallClockMs } from "../wall_clock.ts";
import type { H264Profile } from "../media/h264.ts";
import { answerFormat, keepOnlyPayload, OfferError } from "./h264_codec.ts";
import { h264Codec } from "./werift_h264.ts";
import { watchMediaPath } from "./werift_media_path.ts";
import { peerConfig } from "./ice_config.ts";
import type { IceOptions } from "./ice_policy.ts";
import { gatheringComplete, hasCandidates } from "./gathered.ts";
import type { RtpSink } from "./rtp_fanout.ts";

export type ViewerState = "new" | "connecting" | "connected" | "disconnected" | "failed" | "closed";

export interface ViewerOptions {
  ice: IceOptions;
  /** How the viewer joined (e.g. "whep"), for status reports. */
  kind?: string;
  /** The profile the encoder produces; the answer picks an offered format that decodes it. */
  profile: H264Profile;
  /** Called when the viewer needs a keyframe: it just connected, or it sent PLI/FIR. */
  onKeyFrameNeeded: () => void;
  /** Called once when the viewer has gone (failed, closed, or closed by us). */
  onClosed?: (viewer: Viewer) => void;
}

/** Packets allowed in flight to one viewer before it counts as stalled and packets are dropped. */
const MAX_IN_FLIGHT = 1000;
/**
 * A connected viewer that sends no RTCP (receiver reports come every second or so) for this long
 * has gone: much sooner than ICE consent expiry (~30 s), so a closed laptop stops costing bandwidth.
 */
export const SILENT_VIEWER_MS = 6000;

export class Viewer implements RtpSink {
  readonly id = crypto.randomUUID();
  readonly createdAt = Date.now();
  readonly kind: string;
  #pc: RTCPeerConnection;
  #sender: RTCRtpSender;
  #state: ViewerState = "new";
  #inFlight = 0;
  #closed = false;
  #options: ViewerOptions;
  #lastRtcp = performance.now();
  #telemetry: RTCDataChannel | undefined;
  /** The viewer's own capture → decoded latency, as it last reported it. */
  latency: (ViewerLatency & { at: number }) | undefined;
  #watchdog: ReturnType<typeof setInterval>;
  bytesSent = 0;
  packetsSent = 0;
  packetsDropped = 0;
  keyFramesRequested = 0;

  private constructor(pc: RTCPeerConnection, sender: RTCRtpSender, options: ViewerOptions) {
    this.#pc = pc;
    this.#sender = sender;
    this.#options = options;
    this.kind = options.kind ?? "offer";
    watchMediaPath(pc, (state) => this.#onState(state));
    pc.onDataChannel.subscribe((channel) => {
      if (channel.label !== TELEMETRY_LABEL) return;
      this.#telemetry = channel;
      channel.onMessage.subscribe((data) =>
        this.#onTelemetry(typeof data === "string" ? data : data.toString())
      );
    });
    sender.onRtcp.subscribe(() => {
      this.#lastRtcp = performance.now();
    });
    this.#watchdog = setInterval(() => {
      if (this.#state === "connected" && performance.now() - this.#lastRtcp > SILENT_VIEWER_MS) {
        void this.close();
      }
    }, 1000);
    sender.onPictureLossIndication.subscribe(() => {
      this.keyFramesRequested++;
      options.onKeyFrameNeeded();
    });
  }

  /** Answers `offerSdp`; the answer carries every candidate. Throws OfferError for unusable offers. */
  static async answer(offerSdp: string, options: ViewerOptions): Promise<{ viewer: Viewer; answer: string }> {
    const chosen = answerFormat(offerSdp, options.profile);
    const pc = new RTCPeerConnection({
      ...peerConfig(options.ice),
      codecs: { video: [h264Codec(chosen.profileLevelId ?? "42e01f")], audio: [] },
    });
    let viewer: Viewer | undefined;
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: keepOnlyPayload(offerSdp, chosen.payloadType) });
      const transceiver = pc.getTransceivers().find((t) => t.kind === "video");
      if (!transceiver) throw new OfferError("Offer has no video section");
      transceiver.setDirection("sendonly");
      // We answer as the DTLS server (a=setup:passive), so the viewer starts the handshake. As DTLS
      // client, werift handled a retransmitted ServerHello (a browser resends after 50 ms, sooner
      // than werift's JavaScript crypto answers under load) a second time and derived SRTP keys
      // the browser did not have: about one Chromium session in four got no picture at all.
      transceiver.dtlsTransport.role = "server";
      viewer = new Viewer(pc, transceiver.sender, options);
      await pc.setLocalDescription(await pc.createAnswer());
      await gatheringComplete(pc);
      const answer = pc.localDescription?.sdp ?? "";
      if (!hasCandidates(answer)) {
        throw new Error("No ICE candidates could be gathered (no usable address or port)");
      }
      return { viewer, answer };
    } catch (error) {
      // Closing quietly: a viewer that never existed for the caller is not reported as gone.
      if (viewer) viewer.#options = { ...options, onClosed: undefined };
      await (viewer?.close() ?? pc.close().catch(() => {}));
      if (error instanceof OfferError) throw error;
      throw new OfferError(`Cannot answer offer: ${error instanceof Error ? error.message : error}`);
    }
  }

  #onTelemetry(text: string): void {
    const received = wallClockMs();
    try {
      const message = decodeTelemetry(text);
      if (message.t === "ping") {
        this.#telemetry?.send(
          encodeTelemetry({ t: "pong", c0: message.c0, s1: received, s2: wallClockMs() }),
        );
      } else if (message.t === "latency") {
        const { t: _, ...latency } = message;
        this.latency = { ...latency, at: Date.now() };
      }
    } catch (error) {
      if (!(error instanceof TelemetryError)) throw error; // a malformed message is ignored
    }
  }

  /** Tells the viewer when the frame with RTP timestamp `rtp` was captured (server wall clock, ms). */
  sendCaptureTime(rtp: number, capture: number, sent: number): void {
    if (this.#telemetry?.readyState !== "open") return;
    this.#telemetry.send(encodeTelemetry({ t: "frame", rtp, capture, sent }));
  }

  get state(): ViewerState {
    return this.#state;
  }

  /** Connected: packets sent now reach the viewer. */
  get ready(): boolean {
    return this.#state === "connected";
  }

  #onState(state: string): void {
    if (this.#closed) return;
    this.#state = state as ViewerState;
    if (state === "connected") {
      this.#lastRtcp = performance.now();
      this.#options.onKeyFrameNeeded(); // the first frame comes at once
    }
    if (state === "failed" || state === "closed") void this.close();
  }

  /** Sends one RTP packet (werift rewrites SSRC, payload type and sequence per viewer). */
  send(packet: RtpPacket, size: number): void {
    if (this.#state !== "connected") return;
    if (this.#inFlight >= MAX_IN_FLIGHT) {
      this.packetsDropped++;
      return;
    }
    this.#inFlight++;
    this.#sender.sendRtp(packet).then(
      () => {
        this.#inFlight--;
        this.packetsSent++;
        this.bytesSent += size;
      },
      () => {
        this.#inFlight--;
        this.packetsDropped++;
      },
    );
  }

  /** Ends the connection; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#state = "closed";
    clearInterval(this.#watchdog);
    await this.#pc.close().catch(() => {});
    this.#options.onClosed?.(this);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
