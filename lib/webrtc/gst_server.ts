/**
 * The server's WebRTC side on the gstreamer engine: each viewer is a branch of the sender's pipeline,
 * `queue ! rtph264pay ! webrtcbin`, behind the tee of the one encode. ICE, DTLS-SRTP, RTCP, NACK and
 * PLI run natively; JavaScript only negotiates, watches each viewer's state and reads its statistics.
 */
import type { Branch } from "../ffi/branch.ts";
import type { Element } from "../ffi/element.ts";
import { prepareDtlsCertificate, type WebRtcBin } from "../ffi/webrtc_bin.ts";
import { userDtlsKey } from "./dtls_key.ts";
import type { PlainObject } from "../ffi/gobject.ts";
import type { H264Profile } from "../media/h264.ts";
import { BRANCH_QUEUE, BRANCH_WEBRTC, VIEWER_QUEUE_NS, viewerBranchDescription } from "../media/sender.ts";
import type { ViewerKind, ViewerLatency } from "../signalling/routes.ts";
import { log } from "../log.ts";
import { viewerLine, type ViewerStatus, type WebRtcServer } from "./engine.ts";
import { answerFormat, OfferError } from "./h264_codec.ts";
import { offerForNativeAnswer, withDataChannelsRejected } from "./native_sdp.ts";
import { type IceOptions, pairableCandidates } from "./ice_policy.ts";
import { applyIce, gatherTimeoutMs, statsOfType } from "./gst_peer.ts";
import { hasCandidates } from "./gathered.ts";

/** What the engine needs of the sender: branches behind its tee. */
export interface BranchHost {
  addBranch(description: string): Branch;
  removeBranch(branch: Branch): Promise<void>;
}

export interface GstServerOptions {
  ice: IceOptions;
  profile: H264Profile;
  sender: BranchHost;
  /** Asks the encoder for a keyframe (rate-limited by the sender). */
  requestKeyFrame: () => void;
  /**
   * The RTP timestamp offset that makes a viewer's RTP time the capture time on the server's wall
   * clock (see `captureRtpOffset`); undefined before the pipeline runs.
   */
  rtpTimestampOffset?: () => number | undefined;
}

const WATCH_MS = 500;
const CONNECTING_POLL_MS = 10;
/** Statistics are read once a second: a vanished viewer is noticed within SILENT_MS + 2 polls (10 s). */
const STATS_MS = 2000;
/** A viewer whose connection is not up this long after its answer has gone (or never could connect). */
const CONNECT_TIMEOUT_MS = 15_000;
/**
 * A viewer whose connection stays "disconnected" (ICE checks unanswered) this long has gone. Not
 * RTCP silence: a conforming receiver reports only every 5–7.5 s (RFC 3550).
 */
const DISCONNECTED_MS = 10_000;
/**
 * A viewer whose receiver report has not changed this long while we kept sending has gone. A
 * conforming receiver's report interval is at most ~6.2 s (5 s × 1.5 / 1.218, RFC 3550 6.3.1), and
 * every report moves its extended highest sequence number on while packets flow.
 */
const SILENT_MS = 8000;

class GstViewer {
  readonly id = crypto.randomUUID();
  readonly createdAt = Date.now();
  readonly kind: ViewerKind;
  readonly branch: Branch;
  readonly webrtc: WebRtcBin;
  readonly queue: Element;
  state = "new";
  latency: (ViewerLatency & { at: number }) | undefined;
  figures = {
    bytesSent: 0,
    packetsSent: 0,
    packetsLost: 0,
    keyFrames: 0,
    nacks: 0,
    roundTripMs: undefined as number | undefined,
  };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #statsAt = 0;
  #statsPending = false;
  #disconnectedSince: number | undefined;
  #answeredAt = 0;
  /** The last receiver report's figures, and since when we have sent without a new one. */
  #lastReport = "";
  #unreportedSince: number | undefined;
  #closing: Promise<void> | undefined;

  constructor(kind: ViewerKind, branch: Branch) {
    this.kind = kind;
    this.branch = branch;
    this.webrtc = branch.webrtcBin(BRANCH_WEBRTC);
    this.queue = branch.element(BRANCH_QUEUE);
  }

  /**
   * Watches the connection from now on (its queue grows to VIEWER_QUEUE_NS once it is up); `gone`
   * is called once when it ends by itself.
   */
  watch(onConnected: () => void, gone: (reason: string) => void): void {
    this.#answeredAt = performance.now();
    const tick = () => {
      if (this.#closing) return;
      this.#check(onConnected, gone);
      // Every 10 ms until connected (its keyframe is asked for at once: the viewer waits for one),
      // then every 500 ms.
      this.#timer = setTimeout(tick, this.state === "connected" ? WATCH_MS : CONNECTING_POLL_MS);
    };
    tick();
  }

  #check(onConnected: () => void, gone: (reason: string) => void): void {
    const state = this.webrtc.connectionState;
    if (state !== this.state) {
      log.debug(`Viewer ${this.id.slice(0, 8)} ${state}`);
      if (state === "connected" && this.state !== "connected") {
        this.queue.set("max-size-time", VIEWER_QUEUE_NS);
        this.queue.set("max-size-buffers", 0);
        onConnected();
      }
      this.state = state;
    }
    const now = performance.now();
    if (state === "failed" || state === "closed") return gone(`connection ${state}`);
    if (state === "disconnected") {
      this.#disconnectedSince ??= now;
      if (now - this.#disconnectedSince > DISCONNECTED_MS) return gone("no answer to ICE checks");
    } else this.#disconnectedSince = undefined;
    if (
      state !== "connected" && this.#disconnectedSince === undefined &&
      now - this.#answeredAt > CONNECT_TIMEOUT_MS
    ) {
      return gone(`not connected after ${CONNECT_TIMEOUT_MS / 1000} s`);
    }
    if (state === "connected" && now - this.#statsAt >= STATS_MS && !this.#statsPending) {
      this.#statsAt = now;
      this.#statsPending = true;
      this.webrtc.stats().then((stats) => this.#read(stats, gone), () => {}).finally(() => {
        this.#statsPending = false;
      });
    }
  }

  /**
   * Reads the viewer's figures. A viewer has gone when it sent RTCP BYE, or when we have been sending
   * for SILENT_MS without a new receiver report from it (its reports stopped changing, stopped
   * altogether, or never came). While nothing is sent (the server's camera is being retried) a
   * receiver rightly stops reporting on us (RFC 3550 6.4: only active senders get report blocks),
   * so that silence does not count.
   */
  #read(stats: PlainObject, gone: (reason: string) => void): void {
    // The video stream and, with RTX, its retransmission stream: figures of both.
    const sent = statsOfType(stats, "outbound-rtp");
    const sum = (field: string) => sent.reduce((total, entry) => total + Number(entry[field] ?? 0), 0);
    const sentBefore = this.figures.packetsSent;
    this.figures.bytesSent = sum("bytes-sent");
    this.figures.packetsSent = sum("packets-sent");
    this.figures.keyFrames = sum("pli-count") + sum("fir-count");
    this.figures.nacks = sum("nack-count");
    let reported = false;
    for (const entry of statsOfType(stats, "remote-inbound-rtp")) {
      const source = entry["gst-rtpsource-stats"];
      if (typeof source === "object" && source !== null) {
        if (source["received-bye"] === true) return gone("said goodbye (RTCP BYE)");
        const report = `${source["rb-exthighestseq"]}/${source["rb-lsr"]}/${source["rb-dlsr"]}`;
        if (report !== this.#lastReport) {
          this.#lastReport = report;
          reported = true;
        }
      }
      this.figures.packetsLost = Math.max(0, Number(entry["packets-lost"] ?? 0));
      const rtt = Number(entry["round-trip-time"]);
      if (Number.isFinite(rtt) && rtt > 0) this.figures.roundTripMs = rtt * 1000;
    }
    const now = performance.now();
    if (reported || this.figures.packetsSent === sentBefore) this.#unreportedSince = undefined;
    else {
      this.#unreportedSince ??= now;
      if (now - this.#unreportedSince > SILENT_MS) {
        return gone(`no new receiver report in ${SILENT_MS / 1000} s of sending`);
      }
    }
  }

  close(sender: BranchHost): Promise<void> {
    this.#closing ??= (async () => {
      clearTimeout(this.#timer);
      this.state = "closed";
      await sender.removeBranch(this.branch);
    })();
    return this.#closing;
  }
}

export class GstServer implements WebRtcServer {
  readonly engine = "gstreamer";
  readonly overloadPauses = 0;
  readonly packetsShed = 0;
  #viewers = new Map<string, GstViewer>();
  #options: GstServerOptions;

  constructor(options: GstServerOptions) {
    this.#options = options;
    // The DTLS certificate is made now (from the key kept between runs), not while the first viewer
    // waits for its answer.
    void prepareDtlsCertificate({ key: userDtlsKey() });
  }

  async answer(offer: string, kind: ViewerKind): Promise<{ id: string; answer: string }> {
    const { ice, profile, sender } = this.#options;
    const format = answerFormat(offer, profile);
    await prepareDtlsCertificate(); // ready since start-up: a webrtcbin must not wait on it
    const ssrc = crypto.getRandomValues(new Uint32Array(1))[0];
    const description = viewerBranchDescription(format.payloadType, ssrc, {
      timestampOffset: this.#options.rtpTimestampOffset?.(),
    });
    const viewer = new GstViewer(kind, sender.addBranch(description));
    try {
      applyIce(viewer.webrtc, ice);
      // Sender reports pair RTP time with the wall clock at capture: the viewer's built-in latency.
      viewer.webrtc.setRtpBinProperty("rtcp-sync-send-time", false);
      // Retransmits what a viewer NACKs (RTX, when its offer has it) from a short history.
      viewer.webrtc.setTransceiverProperty(0, "do-nack", true);
      const native = offerForNativeAnswer(pairableCandidates(offer, ice.addresses), format);
      log.debug(`Offer as webrtcbin sees it:\n${native.trim()}`);
      await viewer.webrtc.setRemoteDescription({ type: "offer", sdp: native });
      await viewer.webrtc.setLocalDescription(await viewer.webrtc.createAnswer());
      await viewer.webrtc.gathered(gatherTimeoutMs(ice));
      const answer = withDataChannelsRejected(viewer.webrtc.localDescription()?.sdp ?? "", offer);
      if (!hasCandidates(answer)) throw new Error("No ICE candidates could be gathered (no usable address)");
      if (!/^m=video [1-9]/m.test(answer) || /^a=inactive/m.test(answer)) {
        log.debug(`Unusable answer to the offer:\n${offer}\n---\n${answer}`);
        throw new OfferError("Offer has no video section this server can send to");
      }
      // One sender report a second (not every ~5 s), so a new viewer has its capture times soon.
      viewer.webrtc.setSessionProperty(0, "rtcp-min-interval", 1_000_000_000);
      this.#viewers.set(viewer.id, viewer);
      viewer.watch(
        () => this.#options.requestKeyFrame(), // the first frame comes at once
        (reason) => {
          log.debug(`Viewer ${viewer.id.slice(0, 8)}: ${reason}`);
          void this.#remove(viewer);
        },
      );
      log.info(viewerLine(viewer.id, "joined", { kind, count: this.#viewers.size }));
      return { id: viewer.id, answer };
    } catch (error) {
      await viewer.close(sender);
      if (error instanceof OfferError) throw error;
      throw new OfferError(`Cannot answer offer: ${error instanceof Error ? error.message : error}`);
    }
  }

  async #remove(viewer: GstViewer): Promise<void> {
    if (!this.#viewers.delete(viewer.id)) return;
    await viewer.close(this.#options.sender);
    log.info(viewerLine(viewer.id, "left", { count: this.#viewers.size }));
  }

  /** An error inside a viewer's branch: that viewer is closed, the others go on. */
  branchFailed(branch: string, message: string): void {
    const viewer = [...this.#viewers.values()].find((v) => v.branch.name === branch);
    if (!viewer) return;
    log.debug(`Viewer ${viewer.id.slice(0, 8)} failed: ${message}`);
    void this.#remove(viewer);
  }

  async hangUp(id: string): Promise<boolean> {
    const viewer = this.#viewers.get(id);
    if (!viewer) return false;
    await this.#remove(viewer);
    return true;
  }

  reportLatency(id: string, latency: ViewerLatency): boolean {
    const viewer = this.#viewers.get(id);
    if (!viewer) return false;
    viewer.latency = { ...latency, at: Date.now() };
    return true;
  }

  viewers(): ViewerStatus[] {
    return [...this.#viewers.values()].map((v) => ({
      id: v.id,
      kind: v.kind,
      engine: "gstreamer",
      state: v.state,
      bytesSent: v.figures.bytesSent,
      packetsSent: v.figures.packetsSent,
      packetsDropped: v.figures.packetsLost,
      keyFramesRequested: v.figures.keyFrames,
      nacksReceived: v.figures.nacks,
      roundTripMs: v.figures.roundTripMs,
      paused: false,
      latency: v.latency,
      connectedForS: Math.round((Date.now() - v.createdAt) / 1000),
    }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#viewers.values()].map((viewer) => this.#remove(viewer)));
    await prepareDtlsCertificate(); // a process must not exit while another thread makes it
  }
}
