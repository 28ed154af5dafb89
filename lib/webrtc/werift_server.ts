/**
 * The server's WebRTC side on the werift engine: the pipeline's RTP packets come to JavaScript and
 * are fanned out to werift peer connections (SRTP and UDP in TypeScript). Loaded only when it runs.
 */
import type { H264Profile } from "../media/h264.ts";
import type { ViewerKind, ViewerLatency } from "../signalling/routes.ts";
import { log } from "../log.ts";
import { wallClockMs } from "../wall_clock.ts";
import { viewerLine, type ViewerStatus, type WebRtcServer } from "./engine.ts";
import type { IceOptions } from "./ice_policy.ts";
import { prepareCertificate } from "./ice_config.ts";
import { RtpFanout } from "./rtp_fanout.ts";
import { Viewer } from "./viewer.ts";

export interface WeriftServerOptions {
  ice: IceOptions;
  profile: H264Profile;
  /** True while the process is overloaded (see LoopLag): viewers are paused instead of delayed. */
  overloaded: () => boolean;
  /** Asks the encoder for a keyframe (rate-limited by the sender). */
  requestKeyFrame: () => void;
  /** The wall-clock time a frame of this pipeline timestamp was captured. */
  captureWallMs: (pts: bigint) => number | undefined;
}

export class WeriftServer implements WebRtcServer {
  readonly engine = "werift";
  #fanout: RtpFanout<Viewer>;
  #options: WeriftServerOptions;

  constructor(options: WeriftServerOptions) {
    this.#options = options;
    this.#fanout = new RtpFanout<Viewer>({
      overloaded: options.overloaded,
      onKeyFrameNeeded: options.requestKeyFrame,
    });
    // werift makes one certificate per process: now, not while the first viewer waits.
    void prepareCertificate();
  }

  /** Every RTP packet of the shared encode, with its frame's pipeline timestamp. */
  push(packet: Uint8Array<ArrayBuffer>, pts?: bigint): void {
    this.#fanout.push(packet);
    // The end of a frame: tell viewers when it was captured, for their built-in latency figure.
    if (packet[1] & 0x80 && pts !== undefined && this.#fanout.viewers.length > 0) {
      const capture = this.#options.captureWallMs(pts);
      const rtp = new DataView(packet.buffer, packet.byteOffset).getUint32(4);
      if (capture !== undefined) {
        const sent = wallClockMs();
        for (const viewer of this.#fanout.viewers) viewer.sendCaptureTime(rtp, capture, sent);
      }
    }
  }

  async answer(offer: string, kind: ViewerKind): Promise<{ id: string; answer: string }> {
    const { viewer, answer } = await Viewer.answer(offer, {
      ice: this.#options.ice,
      profile: this.#options.profile,
      kind,
      onKeyFrameNeeded: this.#options.requestKeyFrame,
      onClosed: (v) => {
        if (this.#fanout.remove(v.id)) {
          log.info(viewerLine(v.id, "left", { count: this.#fanout.viewers.length }));
        }
      },
    });
    this.#fanout.add(viewer);
    log.info(viewerLine(viewer.id, "joined", { kind, count: this.#fanout.viewers.length }));
    return { id: viewer.id, answer };
  }

  async hangUp(id: string): Promise<boolean> {
    const viewer = this.#fanout.get(id);
    if (!viewer) return false;
    await viewer.close();
    return true;
  }

  reportLatency(id: string, latency: ViewerLatency): boolean {
    const viewer = this.#fanout.get(id);
    if (!viewer) return false;
    viewer.latency = { ...latency, at: Date.now() };
    return true;
  }

  viewers(): ViewerStatus[] {
    return this.#fanout.viewers.map((v) => ({
      id: v.id,
      kind: v.kind,
      engine: "werift",
      state: v.state,
      bytesSent: v.bytesSent,
      packetsSent: v.packetsSent,
      packetsDropped: v.packetsDropped,
      keyFramesRequested: v.keyFramesRequested,
      paused: this.#fanout.isPaused(v.id),
      latency: v.latency,
      connectedForS: Math.round((Date.now() - v.createdAt) / 1000),
    }));
  }

  get overloadPauses(): number {
    return this.#fanout.pauses;
  }

  get packetsShed(): number {
    return this.#fanout.packetsShed;
  }

  async close(): Promise<void> {
    await this.#fanout.close();
  }
}
