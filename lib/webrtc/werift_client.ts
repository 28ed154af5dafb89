/**
 * The client's WebRTC side on the werift engine: werift receives (ICE, DTLS, SRTP in TypeScript) and
 * every RTP packet is pushed into the receiver pipeline's appsrc; capture times come on a data
 * channel. Loaded only when this engine runs.
 */
import { rtpSequence, SequenceTracker } from "../stats/sequence_tracker.ts";
import { wallClockMs } from "../wall_clock.ts";
import type { SessionDescription } from "../signalling/session_description.ts";
import type { ViewerFigures } from "../signalling/telemetry.ts";
import type { DecodedFrame, Traffic, WebRtcViewing } from "./engine.ts";
import { startsKeyFrame } from "./h264_rtp.ts";
import type { IceOptions } from "./ice_policy.ts";
import { ReceiverSession } from "./receiver_session.ts";
import { ReorderBuffer } from "./reorder_buffer.ts";

export { prepareCertificate } from "./ice_config.ts";

export interface WeriftViewingOptions {
  ice: IceOptions;
  /** Every RTP packet, for the receiver pipeline. */
  push: (packet: Uint8Array<ArrayBuffer>) => void;
  /** How long a packet behind a gap waits for the missing one (0: none wait). */
  repairWaitMs: number;
  /** Offer the telemetry data channel (see ReceiverOptions.telemetry). */
  telemetry: boolean;
  onState?: (state: string) => void;
  signal?: AbortSignal;
}

export class WeriftViewing implements WebRtcViewing {
  readonly engine = "werift";
  lastMediaAt = 0;
  #session: ReceiverSession | undefined;
  #sequence = new SequenceTracker();
  #traffic = { bytes: 0, packets: 0 };
  #lostReported = 0;
  #frameHasKey = false;
  #reorder: ReorderBuffer | undefined;

  /** Offers through `signaller` and receives; connection failures reach `onState`. */
  static async connect(
    signaller: (offer: string) => Promise<SessionDescription>,
    options: WeriftViewingOptions,
  ): Promise<WeriftViewing> {
    const viewing = new WeriftViewing();
    // A gap waits for its retransmission (werift sends the NACKs); one given up asks for a keyframe.
    viewing.#reorder = new ReorderBuffer(options.repairWaitMs, options.push, {
      onGiveUp: () => viewing.requestKeyFrame(),
    });
    viewing.#session = await ReceiverSession.connect((offer) => signaller(offer).then((a) => a.sdp), {
      ice: options.ice,
      telemetry: options.telemetry,
      signal: options.signal,
      onPacket: (packet) => viewing.#packet(packet),
      onState: options.onState,
    });
    return viewing;
  }

  #packet(packet: Uint8Array<ArrayBuffer>): void {
    const session = this.#session;
    this.lastMediaAt = performance.now();
    this.#frameHasKey ||= startsKeyFrame(packet);
    if (packet[1] & 0x80) { // the last packet of a frame
      const rtp = new DataView(packet.buffer, packet.byteOffset).getUint32(4);
      session?.captureTimes.frameReceived(rtp, wallClockMs());
      if (this.#frameHasKey) session?.captureTimes.keyFrame(rtp);
      this.#frameHasKey = false;
    }
    this.#sequence.push(rtpSequence(packet));
    this.#traffic.bytes += packet.byteLength;
    this.#traffic.packets++;
    this.#reorder?.push(packet);
  }

  builtInLatency(frame: DecodedFrame, now: number): number | undefined {
    return this.#session?.captureTimes.latency(frame.pts, now);
  }

  stages(frame: DecodedFrame): { sentMs?: number; receivedMs?: number } {
    return {
      sentMs: this.#session?.captureTimes.sentLatency(frame.pts),
      receivedMs: this.#session?.captureTimes.receivedLatency(frame.pts),
    };
  }

  /** Bytes and packets since the last call, and packets lost since then that never came again. */
  traffic(): Traffic {
    // The tracker takes back a loss when its retransmission arrives, as webrtcbin's figure does.
    const lost = Math.max(0, this.#sequence.lost - this.#lostReported);
    this.#lostReported = Math.max(this.#lostReported, this.#sequence.lost);
    const out = { ...this.#traffic, lost };
    this.#traffic = { bytes: 0, packets: 0 };
    return out;
  }

  requestKeyFrame(): void {
    this.#session?.requestKeyFrame();
  }

  reportLatency(figures: ViewerFigures): void {
    this.#session?.reportLatency(figures);
  }

  async close(): Promise<void> {
    this.#reorder?.close();
    await this.#session?.close();
  }
}
