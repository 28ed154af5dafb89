/**
 * One encoded RTP stream to many viewers: each packet is parsed once and handed to every viewer.
 * When the process cannot keep up (the event loop runs late), viewers are paused rather than let
 * delay pile up in send queues, and resume at the next keyframe: overload costs frames, never latency.
 */
import { Buffer } from "node:buffer";
import { RtpPacket } from "werift";
import { startsKeyFrame } from "./h264_rtp.ts";

/** What the fan-out needs of a viewer. */
export interface RtpSink {
  readonly id: string;
  /** Connected and able to take packets. */
  readonly ready: boolean;
  send(packet: RtpPacket, size: number): void;
  close(): Promise<void>;
}

export interface FanoutOptions {
  /** True while the process is overloaded (see LoopLag). */
  overloaded?: () => boolean;
  /** Asks the encoder for a keyframe, so paused viewers can resume soon. */
  onKeyFrameNeeded?: () => void;
}

export class RtpFanout<V extends RtpSink = RtpSink> {
  #viewers = new Map<string, V>();
  #paused = new Set<string>();
  #options: FanoutOptions;
  packetsIn = 0;
  bytesIn = 0;
  /** Packets not sent to a paused viewer, summed over viewers. */
  packetsShed = 0;
  /** Times viewers were paused for overload. */
  pauses = 0;

  constructor(options: FanoutOptions = {}) {
    this.#options = options;
  }

  add(viewer: V): void {
    this.#viewers.set(viewer.id, viewer);
  }

  remove(id: string): V | undefined {
    const viewer = this.#viewers.get(id);
    this.#viewers.delete(id);
    this.#paused.delete(id);
    return viewer;
  }

  get(id: string): V | undefined {
    return this.#viewers.get(id);
  }

  get viewers(): V[] {
    return [...this.#viewers.values()];
  }

  isPaused(id: string): boolean {
    return this.#paused.has(id);
  }

  /** Parses `data` once and sends it to every ready viewer; a malformed packet is skipped. */
  push(data: Uint8Array<ArrayBuffer>): void {
    this.packetsIn++;
    this.bytesIn += data.byteLength;
    if (this.#viewers.size === 0) return;
    let packet: RtpPacket;
    try {
      packet = RtpPacket.deSerialize(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    } catch {
      return;
    }
    const overloaded = this.#options.overloaded?.() ?? false;
    const keyFrame = startsKeyFrame(data);
    for (const viewer of this.#viewers.values()) {
      if (!viewer.ready) continue;
      if (this.#paused.has(viewer.id)) {
        if (!keyFrame || overloaded) {
          this.packetsShed++;
          continue;
        }
        this.#paused.delete(viewer.id);
      } else if (overloaded) {
        this.#paused.add(viewer.id);
        this.pauses++;
        this.packetsShed++;
        continue;
      }
      viewer.send(packet, data.byteLength);
    }
    // Paused viewers wait for a keyframe: ask for one as soon as there is room again.
    if (!overloaded && this.#paused.size > 0) this.#options.onKeyFrameNeeded?.();
  }

  async close(): Promise<void> {
    await Promise.all(this.viewers.map((viewer) => viewer.close()));
    this.#viewers.clear();
    this.#paused.clear();
  }
}
