/**
 * The MAVLink camera protocol (mavlink.io/en/services/camera.html), as mavlink-camera-manager speaks
 * it: a camera component (MAV_COMP_ID_CAMERA) that sends HEARTBEAT once a second and answers
 * MAV_CMD_REQUEST_MESSAGE and the older MAV_CMD_REQUEST_CAMERA_INFORMATION /
 * MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION with CAMERA_INFORMATION and VIDEO_STREAM_INFORMATION, so
 * QGroundControl and other ground stations list the stream by themselves. Messages are packed and
 * parsed by node-mavlink; nothing malformed that arrives disturbs it.
 */
import { common, MavLinkPacketParser, MavLinkPacketSplitter, MavLinkProtocolV2, minimal } from "node-mavlink";
import type { MavLinkData, MavLinkPacket } from "node-mavlink";
import { Buffer } from "node:buffer";
import { log } from "../log.ts";
import type { MavlinkLink } from "./mavlink_endpoint.ts";

/** MAV_COMP_ID_CAMERA: the first camera component. */
export const CAMERA_COMPONENT = 100;
const HEARTBEAT_MS = 1000;

/** One stream as VIDEO_STREAM_INFORMATION describes it. */
export interface CameraStream {
  name: string;
  /** rtsp://… (VIDEO_STREAM_TYPE_RTSP) or udp://… (VIDEO_STREAM_TYPE_RTPUDP). */
  uri: string;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
}

/** What the camera says of itself; `streams` is asked for each request, with the asker's address. */
export interface CameraDescription {
  model: string;
  streams: (peer: string | undefined) => CameraStream[];
}

/**
 * This machine's IPv4 address on the network `peer` is on (the one a ground station there can
 * reach): the interface whose subnet holds it; loopback for a loopback peer; else `fallback`.
 */
export function addressFacing(
  peer: string | undefined,
  interfaces: { address: string; netmask: string; family: string }[],
  fallback: string,
): string {
  if (peer === undefined) return fallback;
  const toNumber = (ip: string) => ip.split(".").reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  if (peer.startsWith("127.")) return "127.0.0.1";
  const target = toNumber(peer);
  for (const i of interfaces) {
    if (i.family !== "IPv4") continue;
    const mask = toNumber(i.netmask);
    if (((toNumber(i.address) & mask) >>> 0) === ((target & mask) >>> 0)) return i.address;
  }
  return fallback;
}

const MESSAGE = { cameraInformation: 259, videoStreamInformation: 269 } as const;

/** VIDEO_STREAM_INFORMATION for `stream`, number `id` of `count`. */
export function videoStreamInformation(stream: CameraStream, id: number, count: number) {
  const info = new common.VideoStreamInformation();
  info.streamId = id;
  info.count = count;
  info.type = stream.uri.startsWith("rtsp:") ? common.VideoStreamType.RTSP : common.VideoStreamType.RTPUDP;
  info.flags = common.VideoStreamStatusFlags.RUNNING;
  info.framerate = stream.fps;
  info.resolutionH = stream.width;
  info.resolutionV = stream.height;
  info.bitrate = stream.bitrateKbps * 1000;
  info.rotation = 0;
  info.hfov = 0;
  info.name = stream.name.slice(0, 31);
  info.uri = stream.uri.slice(0, 159);
  info.encoding = common.VideoStreamEncoding.H264;
  return info;
}

export class MavlinkCamera {
  #link: MavlinkLink;
  #description: CameraDescription;
  #protocol: MavLinkProtocolV2;
  #sysid: number;
  #sequence = 0;
  #timer: ReturnType<typeof setInterval>;
  #reading: Promise<void>;
  #closed = false;
  /** Requests answered (for /api/status). */
  answered = 0;
  readonly component = CAMERA_COMPONENT;

  /** Speaks on `link` as system `options.sysid`'s camera component. */
  constructor(link: MavlinkLink, description: CameraDescription, options: { sysid: number }) {
    this.#link = link;
    this.#description = description;
    this.#sysid = options.sysid;
    this.#protocol = new MavLinkProtocolV2(options.sysid, CAMERA_COMPONENT);
    this.#timer = setInterval(() => void this.#heartbeat(), HEARTBEAT_MS);
    void this.#heartbeat();
    let stream = this.#parse();
    this.#reading = (async () => {
      for await (const { bytes, datagram } of link.receive()) {
        if (this.#closed) break;
        // A datagram holds whole packets: one that is cut short or garbled must not swallow the
        // next datagram's packets, so each is split on its own.
        if (datagram) {
          stream.end();
          stream = this.#parse();
        }
        stream.write(Buffer.from(bytes));
      }
      stream.end();
    })();
  }

  /** A splitter whose packets reach #handle; bad bytes are skipped (node-mavlink counts them). */
  #parse(): MavLinkPacketSplitter {
    const splitter = new MavLinkPacketSplitter();
    const parser = splitter.pipe(new MavLinkPacketParser());
    parser.on("data", (packet: MavLinkPacket) => this.#handle(packet));
    splitter.on("error", () => {});
    parser.on("error", () => {});
    return splitter;
  }

  async #send(message: MavLinkData): Promise<void> {
    if (this.#closed) return;
    const bytes = this.#protocol.serialize(message, this.#sequence++ & 0xff);
    await this.#link.send(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  #heartbeat(): Promise<void> {
    const heartbeat = new minimal.Heartbeat();
    heartbeat.type = minimal.MavType.CAMERA;
    heartbeat.autopilot = minimal.MavAutopilot.INVALID;
    heartbeat.baseMode = 0 as minimal.MavModeFlag; // no flags: not a vehicle
    heartbeat.customMode = 0;
    heartbeat.systemStatus = minimal.MavState.ACTIVE;
    heartbeat.mavlinkVersion = 3;
    return this.#send(heartbeat);
  }

  #handle(packet: MavLinkPacket): void {
    if (packet.header.msgid !== common.CommandLong.MSG_ID) return;
    let command: common.CommandLong;
    try {
      command = packet.protocol.data(packet.payload, common.CommandLong);
    } catch {
      return; // malformed: ignored
    }
    const forUs = (command.targetSystem === 0 || command.targetSystem === this.#sysid) &&
      (command.targetComponent === 0 || command.targetComponent === CAMERA_COMPONENT);
    if (!forUs) return;
    void this.#answer(command, { sysid: packet.header.sysid, compid: packet.header.compid });
  }

  async #answer(command: common.CommandLong, from: { sysid: number; compid: number }): Promise<void> {
    const { MavCmd } = common;
    let message: number | undefined;
    let streamId = 0;
    if (command.command === MavCmd.REQUEST_MESSAGE) {
      message = command._param1;
      streamId = command._param2;
    } else if (command.command === MavCmd.REQUEST_CAMERA_INFORMATION) {
      message = MESSAGE.cameraInformation;
    } else if (command.command === MavCmd.REQUEST_VIDEO_STREAM_INFORMATION) {
      message = MESSAGE.videoStreamInformation;
      streamId = command._param1;
    }
    const supported = message === MESSAGE.cameraInformation || message === MESSAGE.videoStreamInformation;
    const ack = new common.CommandAck();
    ack.command = command.command;
    ack.result = supported ? common.MavResult.ACCEPTED : common.MavResult.UNSUPPORTED;
    ack.targetSystem = from.sysid;
    ack.targetComponent = from.compid;
    await this.#send(ack);
    if (!supported) return;
    this.answered++;
    if (message === MESSAGE.cameraInformation) return await this.#send(this.#cameraInformation());
    const streams = this.#description.streams(this.#link.peer);
    for (const [i, stream] of streams.entries()) {
      if (streamId === 0 || streamId === i + 1) {
        await this.#send(videoStreamInformation(stream, i + 1, streams.length));
      }
    }
  }

  #cameraInformation(): common.CameraInformation {
    const info = new common.CameraInformation();
    const bytes = (text: string) => [...new TextEncoder().encode(text.slice(0, 31))];
    info.timeBootMs = Math.round(performance.now()) >>> 0;
    info.vendorName = bytes("rov-stream");
    info.modelName = bytes(this.#description.model);
    info.firmwareVersion = 0;
    info.focalLength = 0;
    info.sensorSizeH = 0;
    info.sensorSizeV = 0;
    const [first] = this.#description.streams(this.#link.peer);
    info.resolutionH = first?.width ?? 0;
    info.resolutionV = first?.height ?? 0;
    info.lensId = 0;
    info.flags = common.CameraCapFlags.HAS_VIDEO_STREAM;
    info.camDefinitionVersion = 0;
    info.camDefinitionUri = "";
    return info;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#link.close();
    await this.#reading;
    log.debug("MAVLink camera closed");
  }
}
