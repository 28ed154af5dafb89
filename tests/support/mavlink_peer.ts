/**
 * A ground-station peer written from the MAVLink 2 specification alone (mavlink.io: packet
 * serialization, X.25 CRC with CRC_EXTRA; message layouts from common.xml, fields sorted by size), so
 * that the server's MAVLink library is checked against something it did not produce. Only what the
 * tests need: HEARTBEAT, COMMAND_LONG, COMMAND_ACK, CAMERA_INFORMATION, VIDEO_STREAM_INFORMATION.
 */

/** CRC_EXTRA of each message (common.xml, as the spec's generator computes it). */
const CRC_EXTRA: Record<number, number> = { 0: 50, 76: 152, 77: 143, 259: 92, 269: 109 };
export const MSG = {
  HEARTBEAT: 0,
  COMMAND_LONG: 76,
  COMMAND_ACK: 77,
  CAMERA_INFORMATION: 259,
  VIDEO_STREAM_INFORMATION: 269,
} as const;

/** CRC-16/MCRF4XX (X.25) as MAVLink uses it. */
function crcAccumulate(byte: number, crc: number): number {
  let tmp = byte ^ (crc & 0xff);
  tmp = (tmp ^ (tmp << 4)) & 0xff;
  return ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xffff;
}

function crc(bytes: Uint8Array, extra: number): number {
  let value = 0xffff;
  for (const byte of bytes) value = crcAccumulate(byte, value);
  return crcAccumulate(extra, value);
}

export interface Frame {
  sysid: number;
  compid: number;
  msgid: number;
  /** The payload, zero-padded back to `length` (MAVLink 2 drops trailing zeros on the wire). */
  payload: DataView;
}

/** Every valid MAVLink 2 frame in `bytes` (bad checksums and other bytes skipped). */
export function decodeFrames(bytes: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  for (let i = 0; i + 12 <= bytes.length; i++) {
    if (bytes[i] !== 0xfd) continue;
    const length = bytes[i + 1];
    const end = i + 10 + length + 2;
    if (end > bytes.length) break;
    const msgid = bytes[i + 7] | (bytes[i + 8] << 8) | (bytes[i + 9] << 16);
    const extra = CRC_EXTRA[msgid];
    if (extra === undefined) continue;
    const sum = bytes[end - 2] | (bytes[end - 1] << 8);
    if (crc(bytes.subarray(i + 1, end - 2), extra) !== sum) continue;
    const padded = new Uint8Array(256);
    padded.set(bytes.subarray(i + 10, i + 10 + length));
    frames.push({ sysid: bytes[i + 5], compid: bytes[i + 6], msgid, payload: new DataView(padded.buffer) });
    i = end - 1;
  }
  return frames;
}

let sequence = 0;

/** One MAVLink 2 frame from this peer (system 255, component 190: a ground station). */
export function encodeFrame(msgid: number, payload: Uint8Array): Uint8Array {
  let length = payload.length;
  while (length > 1 && payload[length - 1] === 0) length--; // trailing zeros are not sent
  const frame = new Uint8Array(10 + length + 2);
  frame.set([
    0xfd,
    length,
    0,
    0,
    sequence++ & 0xff,
    255,
    190,
    msgid & 0xff,
    (msgid >> 8) & 0xff,
    msgid >> 16,
  ]);
  frame.set(payload.subarray(0, length), 10);
  const sum = crc(frame.subarray(1, 10 + length), CRC_EXTRA[msgid]);
  frame[10 + length] = sum & 0xff;
  frame[11 + length] = sum >> 8;
  return frame;
}

/** COMMAND_LONG: param1..7 (floats, 0..27), command (u16, 28), target system (30), component (31). */
export function commandLong(target: { sysid: number; compid: number }, command: number, params: number[]) {
  const payload = new Uint8Array(33);
  const view = new DataView(payload.buffer);
  for (let i = 0; i < 7; i++) view.setFloat32(i * 4, params[i] ?? 0, true);
  view.setUint16(28, command, true);
  payload[30] = target.sysid;
  payload[31] = target.compid;
  return encodeFrame(MSG.COMMAND_LONG, payload);
}

export interface Heartbeat {
  type: number;
  autopilot: number;
  systemStatus: number;
}

/** HEARTBEAT: custom_mode (u32, 0), type (4), autopilot (5), base_mode (6), system_status (7). */
export function heartbeat(frame: Frame): Heartbeat {
  return {
    type: frame.payload.getUint8(4),
    autopilot: frame.payload.getUint8(5),
    systemStatus: frame.payload.getUint8(7),
  };
}

/** COMMAND_ACK: command (u16, 0), result (u8, 2). */
export function commandAck(frame: Frame): { command: number; result: number } {
  return { command: frame.payload.getUint16(0, true), result: frame.payload.getUint8(2) };
}

function text(view: DataView, offset: number, length: number): string {
  const bytes = new Uint8Array(view.buffer, offset, length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

export interface VideoStreamInformation {
  framerate: number;
  bitrate: number;
  flags: number;
  width: number;
  height: number;
  streamId: number;
  count: number;
  type: number;
  name: string;
  uri: string;
  encoding: number;
}

/**
 * VIDEO_STREAM_INFORMATION: framerate (f32, 0), bitrate (u32, 4), flags (u16, 8), resolution_h
 * (10), resolution_v (12), rotation (14), hfov (16), stream_id (u8, 18), count (19), type (20),
 * name (char[32], 21), uri (char[160], 53); extension encoding (u8, 213).
 */
export function videoStreamInformation(frame: Frame): VideoStreamInformation {
  const p = frame.payload;
  return {
    framerate: p.getFloat32(0, true),
    bitrate: p.getUint32(4, true),
    flags: p.getUint16(8, true),
    width: p.getUint16(10, true),
    height: p.getUint16(12, true),
    streamId: p.getUint8(18),
    count: p.getUint8(19),
    type: p.getUint8(20),
    name: text(p, 21, 32),
    uri: text(p, 53, 160),
    encoding: p.getUint8(213),
  };
}

/** CAMERA_INFORMATION: flags (u32, 20), vendor_name (u8[32], 30), model_name (u8[32], 62). */
export function cameraInformation(frame: Frame): { flags: number; vendor: string; model: string } {
  const p = frame.payload;
  return { flags: p.getUint32(20, true), vendor: text(p, 30, 32), model: text(p, 62, 32) };
}

/** A UDP ground station on 127.0.0.1 (a free port): what it received, and waiting for a message. */
export class GroundStation {
  readonly socket: Deno.DatagramConn;
  readonly frames: (Frame & { from: Deno.NetAddr })[] = [];
  #waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  #loop: Promise<void>;

  constructor() {
    const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    this.socket = socket;
    this.#loop = (async () => {
      try {
        for await (const [bytes, from] of socket) {
          for (const frame of decodeFrames(bytes)) {
            this.frames.push({ ...frame, from: from as Deno.NetAddr });
            this.#waiters = this.#waiters.filter((w) => !(w.test(frame) && (w.resolve(frame), true)));
          }
        }
      } catch {
        // closed
      }
    })();
  }

  get port(): number {
    return (this.socket.addr as Deno.NetAddr).port;
  }

  /** The first frame (already received or to come) that passes `test`; rejects after `timeoutMs`. */
  wait(test: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`No such MAVLink message within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({ test, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** The frames from now on only. */
  clear(): void {
    this.frames.length = 0;
  }

  async send(bytes: Uint8Array, to: Deno.NetAddr): Promise<void> {
    await this.socket.send(bytes, to);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.#loop;
  }
}
