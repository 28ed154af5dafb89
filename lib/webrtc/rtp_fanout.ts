/** One encoded RTP stream to many viewers: each packet is parsed once and handed to every viewer. */
import { Buffer } from "node:buffer";
import { RtpPacket } from "werift";
import type { Viewer } from "./viewer.ts";

export class RtpFanout {
  #viewers = new Map<string, Viewer>();
  packetsIn = 0;
  bytesIn = 0;

  add(viewer: Viewer): void {
    this.#viewers.set(viewer.id, viewer);
  }

  remove(id: string): Viewer | undefined {
    const viewer = this.#viewers.get(id);
    this.#viewers.delete(id);
    return viewer;
  }

  get(id: string): Viewer | undefined {
    return this.#viewers.get(id);
  }

  get viewers(): Viewer[] {
    return [...this.#viewers.values()];
  }

  /** Parses `data` once and sends it to every connected viewer; a malformed packet is skipped. */
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
    for (const viewer of this.#viewers.values()) viewer.send(packet, data.byteLength);
  }

  async close(): Promise<void> {
    await Promise.all(this.viewers.map((viewer) => viewer.close()));
    this.#viewers.clear();
  }
}
