/**
 * The client's WebRTC side on the gstreamer engine: the receiver pipeline's own webrtcbin offers to
 * receive H.264; RTP never reaches JavaScript. Loss and bitrate come from webrtcbin's statistics; the
 * built-in latency from the server's RTCP sender reports (capture-time NTP on every decoded frame)
 * read on this clock through the HTTP clock exchange.
 */
import type { WebRtcBin } from "../ffi/webrtc_bin.ts";
import type { PlainObject } from "../ffi/gobject.ts";
import type { SessionDescription } from "../signalling/session_description.ts";
import { RtpControl } from "../signalling/rtp_control.ts";
import type { ViewerFigures } from "../signalling/telemetry.ts";
import { log } from "../log.ts";
import { RECEIVE_BUFFER_BYTES } from "../media/receiver.ts";
import { hasCandidates } from "./gathered.ts";
import { type IceOptions, pairableCandidates } from "./ice_policy.ts";
import { applyIce, gatherTimeoutMs, statsOfType } from "./gst_peer.ts";
import type { DecodedFrame, Traffic, WebRtcViewing } from "./engine.ts";

/** The H.264 formats offered: every profile the decoder handles, up to level 5.2. */
const OFFERED = [
  { payloadType: 96, profileLevelId: "42e034" },
  { payloadType: 97, profileLevelId: "640034" },
];
/**
 * Figures are read once a second: damage asks for a keyframe at once from the decoded frames
 * (DamageTracker), so reading them more often would only cost CPU. The state is read every 10 ms
 * until connected, to size the socket at once.
 */
const WATCH_MS = 1000;
/** The session's rtcp-min-interval: at the default 5 s, NACKs expired before they were sent (see fastRtcp). */
const RTCP_MIN_INTERVAL_NS = 20_000_000;
const CONNECTING_WATCH_MS = 10;
/**
 * The session's bits/s as RTCP's pacing sees it (5 % of it for RTCP), from the first packet: reports
 * every ~11.6 ms here, what the estimate settles at for a 6.6 Mbit/s stream (the bandwidth, not
 * RTCP_MIN_INTERVAL_NS, sets that pace).
 */
const SESSION_BANDWIDTH = 5_000_000;
/**
 * A retransmission not back within this long is asked for again, until the jitter buffer stops
 * waiting. The automatic value (40 ms without a measured round trip, as on a tether where it is
 * under a millisecond, and never below the packet spacing) asked once only: the repairs whose NACK
 * or retransmission was lost (2 % loss both ways) damaged the picture until the next keyframe.
 */
const RETRY_RTX_MS = 5;

/**
 * Receiver reports, and the NACKs in them, as often as RTCP_MIN_INTERVAL_NS allows. Both settings:
 * the interval also follows the RTCP bandwidth, estimated from the stream over its first seconds;
 * until then it was about 0.5 s, one early report was allowed per interval, and the NACKs of the
 * first 2 s of loss expired unsent ("Removing N expired NACKS"). False while there is no session.
 */
function fastRtcp(webrtc: WebRtcBin): boolean {
  if (!webrtc.setSessionProperty(0, "rtcp-min-interval", RTCP_MIN_INTERVAL_NS)) return false;
  webrtc.setSessionProperty(0, "bandwidth", SESSION_BANDWIDTH);
  return true;
}

export interface GstReceiverOptions {
  ice: IceOptions;
  /** The server's HTTP origin, for the clock exchange and latency reports. */
  control: string;
  /** The server's stream watched (absent: its first), for keyframe requests. */
  stream?: string;
  /** Asks upstream for a keyframe from the decoder: webrtcbin sends a PLI. */
  requestKeyFrame: () => void;
  /** Connection state changes ("connected", "failed", ...). */
  onState?: (state: string) => void;
  signal?: AbortSignal;
}

export class GstReceiverSession implements WebRtcViewing {
  readonly engine = "gstreamer";
  lastMediaAt = 0;
  #requestKeyFrame: () => void;
  #webrtc: WebRtcBin;
  #control: RtpControl | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #state = "new";
  #total: Traffic = { bytes: 0, packets: 0, lost: 0 };
  #reported: Traffic = { bytes: 0, packets: 0, lost: 0 };
  #capturesTrusted = false;
  #receiveBuffer: number | undefined;
  #statsPending = false;
  #jitterBuffers = 0;
  #closed = false;

  private constructor(webrtc: WebRtcBin, requestKeyFrame: () => void) {
    this.#webrtc = webrtc;
    this.#requestKeyFrame = requestKeyFrame;
  }

  /** Offers on `webrtc` (a playing receiver pipeline's), posts through `signaller`, applies the answer. */
  static async connect(
    webrtc: WebRtcBin,
    signaller: (offer: string) => Promise<SessionDescription>,
    options: GstReceiverOptions,
  ): Promise<GstReceiverSession> {
    const session = new GstReceiverSession(webrtc, options.requestKeyFrame);
    options.signal?.addEventListener("abort", () => void session.close(), { once: true });
    try {
      applyIce(webrtc, options.ice);
      // Each decoded frame carries the sender's capture time (NTP) from its RTCP sender reports.
      webrtc.setRtpBinProperty("add-reference-timestamp-meta", true);
      const caps = OFFERED.map((f) =>
        `application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=${f.payloadType},` +
        `packetization-mode=(string)1,profile-level-id=(string)${f.profileLevelId}`
      ).join(";");
      // NACK and RTX repair a lost packet within a round trip (the jitter buffer waits for it: see
      // jitterLatencyMs); what is not repaired in time is reported lost (do-lost).
      webrtc.addTransceiver("recvonly", caps, { nack: true });
      webrtc.setRtpBinProperty("do-lost", true);
      await webrtc.setLocalDescription(await webrtc.createOffer());
      // NACKs go out in RTCP: at the default 5 s minimum interval they expired before they were
      // sent (rtpsession: "Removing N expired NACKS"). 20 ms lets each out within the wait for it.
      // The session exists once the offer is set; if not, once the answer is.
      const rtcpSet = fastRtcp(webrtc);
      await webrtc.gathered(gatherTimeoutMs(options.ice), options.signal);
      const offer = webrtc.localDescription()?.sdp ?? "";
      log.debug("Offer gathered");
      if (!hasCandidates(offer)) throw new Error("No ICE candidates could be gathered (no usable address)");
      const answer = await signaller(offer);
      log.debug("Answer received");
      await webrtc.setRemoteDescription({
        type: "answer",
        sdp: pairableCandidates(answer.sdp, options.ice.addresses),
      });
      if (!rtcpSet) fastRtcp(webrtc);
      // Only rov-server's gstreamer engine stamps sender reports with the capture time; werift's
      // carry the send time, which would hide the encoder's share of the latency.
      session.#capturesTrusted = answer.engine === "gstreamer";
      if (answer.id !== undefined) {
        session.#control = new RtpControl(options.control, {
          signal: options.signal,
          id: answer.id,
          stream: options.stream,
        });
      }
    } catch (error) {
      await session.close();
      throw error;
    }
    session.#watchEvery(CONNECTING_WATCH_MS, options.onState);
    return session;
  }

  #watchEvery(ms: number, onState?: (state: string) => void): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.#watch(onState), ms);
  }

  #watch(onState?: (state: string) => void): void {
    if (this.#closed) return;
    if (this.#receiveBuffer === undefined) {
      this.#receiveBuffer = this.#webrtc.setReceiveBuffer(RECEIVE_BUFFER_BYTES);
      if (this.#receiveBuffer !== undefined) {
        log.debug(`Receive buffer of the ICE socket: ${this.#receiveBuffer} bytes`);
      }
    }
    const state = this.#webrtc.connectionState;
    if (state !== this.#state) {
      this.#state = state;
      onState?.(state);
      if (state === "connected") this.#watchEvery(WATCH_MS, onState);
    }
    if (state !== "connected") return;
    // Jitter buffers appear with the first packet of each stream, once connected: not looked for on
    // the 10 ms ticks of connecting.
    this.#tuneJitterBuffers();
    if (this.#statsPending) return;
    this.#statsPending = true;
    this.#webrtc.stats().then((stats) => this.#read(stats), (error) => log.debug(`WebRTC stats: ${error}`))
      .finally(() => this.#statsPending = false);
  }

  /** Retransmission timers on each jitter buffer rtpbin has made so far (one per incoming stream). */
  #tuneJitterBuffers(): void {
    // Both: the automatic minimum is the packet spacing (33 ms: packets of a frame share a time).
    this.#webrtc.setJitterBufferProperty("rtx-min-retry-timeout", RETRY_RTX_MS);
    const count = this.#webrtc.setJitterBufferProperty("rtx-retry-timeout", RETRY_RTX_MS);
    if (count !== this.#jitterBuffers) {
      log.debug(`Retransmission retried every ${RETRY_RTX_MS} ms (${count} streams)`);
    }
    this.#jitterBuffers = count;
  }

  #read(stats: PlainObject): void {
    // The video stream and, with RTX, its retransmission stream: figures of both.
    const received = statsOfType(stats, "inbound-rtp");
    const sum = (field: string) =>
      received.reduce((total, entry) => total + Math.max(0, Number(entry[field] ?? 0)), 0);
    const packets = sum("packets-received");
    if (packets > this.#total.packets) this.lastMediaAt = performance.now();
    const lost = sum("packets-lost");
    // What retransmission did not mend damages the picture until the next keyframe: ask for it.
    if (lost > this.#total.lost) this.requestKeyFrame();
    this.#total = { bytes: sum("bytes-received"), packets, lost };
  }

  /** Bytes, packets and losses since the last call (from the statistics, read once a second). */
  traffic(): Traffic {
    const delta = {
      bytes: this.#total.bytes - this.#reported.bytes,
      packets: this.#total.packets - this.#reported.packets,
      lost: Math.max(0, this.#total.lost - this.#reported.lost),
    };
    this.#reported = { ...this.#total };
    return delta;
  }

  /** Capture → decoded latency of a frame stamped with the server's capture NTP, on this clock. */
  builtInLatency(frame: DecodedFrame, now: number): number | undefined {
    return this.#capturesTrusted ? this.#control?.captureLatency(frame.ntpTime, now) : undefined;
  }

  stages(): { sentMs?: number; receivedMs?: number } {
    return {}; // packets never reach JavaScript on this engine
  }

  requestKeyFrame(): void {
    if (this.#closed) return;
    // The depayloader's request upstream never became a PLI in webrtcbin 1.22 (no key-unit event
    // reached its RTP session): the server is asked over HTTP as well, where it coalesces requests.
    this.#control?.requestKeyFrame();
    this.#requestKeyFrame();
  }

  /** Tells the server this viewer's latency, for its status page. */
  reportLatency(figures: ViewerFigures): void {
    this.#control?.reportLatency(figures);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      clearInterval(this.#timer);
      this.#control?.close();
    }
    return Promise.resolve();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
