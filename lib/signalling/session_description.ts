/**
 * The signalling wire format shared by server and client: `{"type":"offer","sdp":"..."}` in, and
 * `{"type":"answer","sdp":"..."}` out (the protocol of the original aiortc tool), plus the SDP checks
 * WHEP bodies get too.
 */
import { isStreamName } from "./stream_name.ts";

/** A signalling request that cannot be served; `status` is the HTTP status to answer with. */
export class SignallingError extends Error {
  override name = "SignallingError";
  readonly status: number;
  /** For a 503 or 429: when to try again, in seconds (the Retry-After header). */
  readonly retryAfterS?: number;
  constructor(status: number, message: string, options: { retryAfterS?: number } = {}) {
    super(message);
    this.status = status;
    this.retryAfterS = options.retryAfterS;
  }
}

export interface SessionDescription {
  type: "offer" | "answer";
  sdp: string;
  /** In rov-server's answers: the viewer's id (for its latency reports) and the WebRTC engine. */
  id?: string;
  engine?: string;
  /** Whether the server's picture carries pixel stamps (capture times) a viewer may read. */
  stamps?: boolean;
  /** In offers: the stream wanted (rov-server --stream); absent: the first. */
  stream?: string;
}

/** Largest SDP accepted: real offers are 1–10 KiB, browsers' with many codecs under 16 KiB. */
export const MAX_SDP_BYTES = 64 * 1024;

/** Throws a 400 SignallingError unless `sdp` looks like a session description with a video section. */
export function validateSdp(sdp: string, type: "offer" | "answer"): void {
  if (sdp.length > MAX_SDP_BYTES) {
    throw new SignallingError(413, `SDP ${type} is larger than ${MAX_SDP_BYTES} bytes`);
  }
  if (!sdp.startsWith("v=0")) {
    throw new SignallingError(400, `Malformed SDP ${type}: it must start with "v=0"`);
  }
  if (!/^m=video /m.test(sdp)) throw new SignallingError(400, `SDP ${type} has no video section (m=video)`);
  if (!/^a=ice-ufrag:/m.test(sdp)) {
    throw new SignallingError(400, `SDP ${type} has no ICE credentials (a=ice-ufrag)`);
  }
  if (!/^a=fingerprint:/m.test(sdp)) throw new SignallingError(400, `SDP ${type} has no DTLS fingerprint`);
}

/** Parses and validates a JSON session description of the expected `type`. */
export function parseSessionDescription(text: string, type: "offer" | "answer"): SessionDescription {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SignallingError(400, `Malformed JSON: expected {"type":"${type}","sdp":"..."}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SignallingError(400, `Expected a JSON object {"type":"${type}","sdp":"..."}`);
  }
  const { sdp, type: actual } = value as Record<string, unknown>;
  if (actual !== type) {
    throw new SignallingError(400, `Expected "type":"${type}", got ${JSON.stringify(actual)}`);
  }
  if (typeof sdp !== "string") throw new SignallingError(400, `Expected "sdp" to be a string`);
  validateSdp(sdp, type);
  const { id, engine, stamps, stream } = value as Record<string, unknown>;
  const out: SessionDescription = { type, sdp };
  if (stream !== undefined) {
    if (!isStreamName(stream)) {
      throw new SignallingError(
        400,
        `Expected "stream" to be a stream name (a-z, 0-9, - and _), got ${JSON.stringify(stream)}`.slice(
          0,
          200,
        ),
      );
    }
    out.stream = stream;
  }
  if (typeof id === "string" && /^[0-9a-f-]{1,64}$/.test(id)) out.id = id;
  if (typeof engine === "string" && /^[a-z]{1,16}$/.test(engine)) out.engine = engine;
  if (typeof stamps === "boolean") out.stamps = stamps;
  return out;
}

export function encodeSessionDescription(description: SessionDescription): string {
  const { sdp, type, id, engine, stamps, stream } = description;
  if (id !== undefined) return JSON.stringify({ sdp, type, id, engine, stamps });
  return JSON.stringify(stream === undefined ? { sdp, type } : { sdp, type, stream });
}
