/**
 * The discovery wire format, shared by server and client: a JSON datagram. Servers send a beacon
 * every second and answer queries with one; clients send queries. See docs/protocol.md.
 */

import { isStreamName } from "../signalling/stream_name.ts";

export const SERVICE = "rov-stream";
export const PROTOCOL_VERSION = 1;
/** Largest datagram accepted or produced. */
export const MAX_DATAGRAM_BYTES = 2048;

export interface Beacon {
  type: "beacon";
  service: typeof SERVICE;
  version: number;
  /** Human name (host name by default), for `--name` selection. */
  name: string;
  /** Stable for the server's lifetime: tells two servers of the same name apart. */
  id: string;
  /**
   * Signalling URLs as seen from the network the beacon was sent on, and the RTSP stream's when
   * the server serves RTSP (for QGroundControl, VLC, ffmpeg).
   */
  urls: { offer: string; whep: string; status: string; rtsp?: string };
  transports: string[];
  codec: string;
  width: number;
  height: number;
  fps: number;
  /** With the RTP transport: where the packets go and how to read them. */
  rtp?: RtpInfo;
  /** The picture carries pixel stamps (capture times): only then does a viewer read them. */
  stamps?: boolean;
  /**
   * Every stream the server serves, the first (the one the fields above describe) first: what
   * `rov-client --stream NAME` picks from. Absent from servers of one unnamed stream.
   */
  streams?: StreamInfo[];
}

/** One of a server's streams, as its beacon lists it. */
export interface StreamInfo {
  name: string;
  width: number;
  height: number;
  fps: number;
  /** Its WHEP endpoint (POST an offer there). */
  whep: string;
  /** Its RTSP URL, when the server serves RTSP. */
  rtsp?: string;
}

/** At most this many streams in a beacon (each costs ~150 bytes of the datagram). */
export const MAX_BEACON_STREAMS = 8;

export interface RtpInfo {
  /** Multicast group, or the unicast address the server sends to. */
  address: string;
  port: number;
  payloadType: number;
  encoding: "H264";
  clockRate: number;
  /** URL of the stream's SDP description. */
  sdp: string;
}

export interface Query {
  type: "query";
  service: typeof SERVICE;
  version: number;
  /** Only servers of this name should answer, when given. */
  name?: string;
}

export type DiscoveryMessage = Beacon | Query;

/** A datagram that is not a valid rov-stream discovery message. */
export class DiscoveryError extends Error {
  override name = "DiscoveryError";
}

export function encodeMessage(message: DiscoveryMessage): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(JSON.stringify(message));
  if (bytes.byteLength > MAX_DATAGRAM_BYTES) {
    throw new DiscoveryError(`Discovery message is larger than ${MAX_DATAGRAM_BYTES} bytes`);
  }
  return bytes;
}

function text(value: unknown, field: string, max = 256): string {
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    throw new DiscoveryError(`Invalid discovery message: "${field}" must be a non-empty string`);
  }
  return value;
}

function positive(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100_000) {
    throw new DiscoveryError(`Invalid discovery message: "${field}" must be a number`);
  }
  return value;
}

function url(value: unknown, field: string, schemes = ["http:", "https:"]): string {
  const raw = text(value, field, 512);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new DiscoveryError(`Invalid discovery message: "${field}" is not a URL`);
  }
  if (!schemes.includes(parsed.protocol)) {
    const kind = schemes.includes("http:") ? "http(s)" : schemes.map((s) => s.slice(0, -1)).join(" or ");
    throw new DiscoveryError(`Invalid discovery message: "${field}" must be an ${kind} URL`);
  }
  return raw;
}

/** Decodes and validates a datagram; throws DiscoveryError with the reason. */
export function decodeMessage(bytes: Uint8Array): DiscoveryMessage {
  if (bytes.byteLength > MAX_DATAGRAM_BYTES) throw new DiscoveryError("Discovery datagram is too large");
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new DiscoveryError("Discovery datagram is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DiscoveryError("Discovery datagram is not a JSON object");
  }
  if (value.service !== SERVICE) throw new DiscoveryError(`Not a ${SERVICE} datagram`);
  const version = positive(value.version, "version");
  if (Math.floor(version) !== PROTOCOL_VERSION) {
    throw new DiscoveryError(
      `Unsupported discovery protocol version ${version} (this build speaks ${PROTOCOL_VERSION})`,
    );
  }
  if (value.type === "query") {
    const query: Query = { type: "query", service: SERVICE, version };
    if (value.name !== undefined) query.name = text(value.name, "name");
    return query;
  }
  if (value.type !== "beacon") {
    throw new DiscoveryError(`Unknown discovery message type ${JSON.stringify(value.type)}`);
  }
  const urls = value.urls as Record<string, unknown> | undefined;
  if (typeof urls !== "object" || urls === null) {
    throw new DiscoveryError(`Invalid discovery message: "urls" is missing`);
  }
  const transports = value.transports;
  if (!Array.isArray(transports) || transports.length > 8) {
    throw new DiscoveryError(`Invalid discovery message: "transports" must be a list`);
  }
  const beacon: Beacon = {
    type: "beacon",
    service: SERVICE,
    version,
    name: text(value.name, "name"),
    id: text(value.id, "id"),
    urls: {
      offer: url(urls.offer, "urls.offer"),
      whep: url(urls.whep, "urls.whep"),
      status: url(urls.status, "urls.status"),
      ...(urls.rtsp === undefined ? {} : { rtsp: url(urls.rtsp, "urls.rtsp", ["rtsp:"]) }),
    },
    transports: transports.map((t, i) => text(t, `transports[${i}]`, 32)),
    codec: text(value.codec, "codec", 32),
    width: positive(value.width, "width"),
    height: positive(value.height, "height"),
    fps: positive(value.fps, "fps"),
  };
  if (value.rtp !== undefined) beacon.rtp = rtpInfo(value.rtp);
  if (value.stamps !== undefined) {
    if (typeof value.stamps !== "boolean") {
      throw new DiscoveryError(`Invalid discovery message: "stamps" must be true or false`);
    }
    beacon.stamps = value.stamps;
  }
  if (value.streams !== undefined) beacon.streams = streamInfos(value.streams);
  return beacon;
}

function streamInfos(value: unknown): StreamInfo[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_BEACON_STREAMS) {
    throw new DiscoveryError(
      `Invalid discovery message: "streams" must be a list of 1 to ${MAX_BEACON_STREAMS}`,
    );
  }
  return value.map((item, i) => {
    const stream = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    if (!isStreamName(stream.name)) {
      throw new DiscoveryError(`Invalid discovery message: "streams[${i}].name" must be a stream name`);
    }
    const info: StreamInfo = {
      name: stream.name,
      width: positive(stream.width, `streams[${i}].width`),
      height: positive(stream.height, `streams[${i}].height`),
      fps: positive(stream.fps, `streams[${i}].fps`),
      whep: url(stream.whep, `streams[${i}].whep`),
    };
    if (stream.rtsp !== undefined) info.rtsp = url(stream.rtsp, `streams[${i}].rtsp`, ["rtsp:"]);
    return info;
  });
}

function rtpInfo(value: unknown): RtpInfo {
  if (typeof value !== "object" || value === null) {
    throw new DiscoveryError(`Invalid discovery message: "rtp" must be an object`);
  }
  const rtp = value as Record<string, unknown>;
  const address = text(rtp.address, "rtp.address", 64);
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    throw new DiscoveryError(`Invalid discovery message: "rtp.address" must be an IPv4 address`);
  }
  const port = positive(rtp.port, "rtp.port");
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DiscoveryError(`Invalid discovery message: "rtp.port" must be a port`);
  }
  const payloadType = positive(rtp.payloadType, "rtp.payloadType");
  if (payloadType > 127) {
    throw new DiscoveryError(`Invalid discovery message: "rtp.payloadType" must be 0–127`);
  }
  if (rtp.encoding !== "H264") {
    throw new DiscoveryError(`Invalid discovery message: "rtp.encoding" must be "H264"`);
  }
  return {
    address,
    port,
    payloadType,
    encoding: "H264",
    clockRate: positive(rtp.clockRate, "rtp.clockRate"),
    sdp: url(rtp.sdp, "rtp.sdp"),
  };
}
