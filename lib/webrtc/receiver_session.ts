/**
 * The client's side of WebRTC: offers to receive H.264, hands every RTP packet to the caller as
 * bytes (GStreamer's jitter buffer and depayloader take it from there), and asks for keyframes.
 */
import { type MediaStreamTrack, type RTCDataChannel, RTCPeerConnection, type RTCRtpReceiver } from "werift";
import { h264Codec, rtxCodec } from "./werift_h264.ts";
import { peerConfig } from "./ice_config.ts";
import type { IceOptions } from "./ice_policy.ts";
import { gatheringComplete, hasCandidates } from "./gathered.ts";
import {
  decodeTelemetry,
  encodeTelemetry,
  TELEMETRY_LABEL,
  TelemetryError,
  type ViewerFigures,
} from "../signalling/telemetry.ts";
import { watchMediaPath } from "./werift_media_path.ts";
import { CaptureTimes } from "../stats/capture_times.ts";
import { wallClockMs } from "../wall_clock.ts";

export interface ReceiverOptions {
  ice: IceOptions;
  /** Every RTP packet, in arrival order. */
  onPacket: (packet: Uint8Array<ArrayBuffer>) => void;
  /** Connection state changes ("connected", "failed", ...). */
  onState?: (state: string) => void;
  /**
   * Offer the telemetry data channel (capture times and the clock exchange of rov-server's werift
   * engine). Off towards the gstreamer engine, which sends both otherwise and answers data channels
   * rejected: werift opens SCTP all the same, and the stray SCTP packets ended the session there
   * ("Internal data stream error", not-linked) about a second after each connect.
   */
  telemetry: boolean;
  signal?: AbortSignal;
}

/** Sends the offer SDP to the server and returns its answer SDP. */
export type Signaller = (offer: string) => Promise<string>;

/** The H.264 formats the client offers: every profile the decoder handles, up to level 5.2. */
const OFFERED_PROFILES = ["42e034", "640034"];
const KEYFRAME_INTERVAL_MS = 300; // at most ~3 PLIs a second however many losses are seen

export class ReceiverSession {
  #pc: RTCPeerConnection;
  #receiver: RTCRtpReceiver | undefined;
  #ssrc: number | undefined;
  #lastKeyFrameRequest = 0;
  #closed = false;
  #telemetry: RTCDataChannel | undefined;
  #pings: ReturnType<typeof setTimeout> | undefined;
  keyFramesRequested = 0;
  /** Capture times from the server and its clock offset: the built-in latency figure. */
  readonly captureTimes = new CaptureTimes();

  private constructor(pc: RTCPeerConnection) {
    this.#pc = pc;
  }

  /** Offers, waits for the answer through `signaller`, and starts receiving. */
  static async connect(signaller: Signaller, options: ReceiverOptions): Promise<ReceiverSession> {
    const pc = new RTCPeerConnection({
      ...peerConfig(options.ice),
      // Each format with its retransmission stream: rov-server's gstreamer engine answers NACKs
      // only where RTX was negotiated.
      codecs: { video: OFFERED_PROFILES.flatMap((profile) => [h264Codec(profile), rtxCodec()]), audio: [] },
    });
    const session = new ReceiverSession(pc);
    options.signal?.addEventListener("abort", () => void session.close(), { once: true });
    watchMediaPath(pc, (state) => options.onState?.(state));
    const transceiver = pc.addTransceiver("video", { direction: "recvonly" });
    if (options.telemetry) {
      session.#openTelemetry(pc.createDataChannel(TELEMETRY_LABEL, { ordered: false, maxRetransmits: 0 }));
    }
    session.#receiver = transceiver.receiver;
    transceiver.onTrack.subscribe((track: MediaStreamTrack) => {
      track.onReceiveRtp.subscribe((rtp) => {
        session.#ssrc = rtp.header.ssrc;
        options.onPacket(new Uint8Array(rtp.serialize()));
      });
    });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringComplete(pc);
      const offer = pc.localDescription?.sdp ?? "";
      if (!hasCandidates(offer)) throw new Error("No ICE candidates could be gathered (no usable address)");
      const answer = await signaller(offer);
      await pc.setRemoteDescription({ type: "answer", sdp: answer });
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  #openTelemetry(channel: RTCDataChannel): void {
    this.#telemetry = channel;
    channel.onMessage.subscribe((data) => {
      const received = wallClockMs();
      try {
        const message = decodeTelemetry(typeof data === "string" ? data : data.toString());
        if (message.t === "frame") this.captureTimes.addCapture(message.rtp, message.capture, message.sent);
        if (message.t === "pong") {
          this.captureTimes.clock.add({ t0: message.c0, t1: message.s1, t2: message.s2, t3: received });
        }
      } catch (error) {
        if (!(error instanceof TelemetryError)) throw error;
      }
    });
    // Clock exchange: ten quick pings to converge, then one a second to follow drift.
    let sent = 0;
    const ping = () => {
      if (this.#closed) return;
      if (channel.readyState === "open") {
        channel.send(encodeTelemetry({ t: "ping", c0: wallClockMs() }));
        sent++;
      }
      this.#pings = setTimeout(ping, sent < 10 ? 100 : 1000);
    };
    ping();
  }

  /** Tells the server this viewer's latency and damage figures, for its status page. */
  reportLatency(figures: ViewerFigures): void {
    if (this.#telemetry?.readyState !== "open") return;
    this.#telemetry.send(
      encodeTelemetry({ t: "latency", ...figures, offsetBoundMs: this.captureTimes.clock.boundMs }),
    );
  }

  /** Sends a PLI to the server, at most once per 300 ms. Returns whether one was sent. */
  requestKeyFrame(): boolean {
    const now = performance.now();
    if (this.#closed || this.#ssrc === undefined || !this.#receiver) return false;
    if (now - this.#lastKeyFrameRequest < KEYFRAME_INTERVAL_MS) return false;
    this.#lastKeyFrameRequest = now;
    this.keyFramesRequested++;
    this.#receiver.sendRtcpPLI(this.#ssrc).catch(() => {});
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#pings);
    await this.#pc.close().catch(() => {});
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
