/**
 * The HTTP side channel of the RTP transport, shared by server and client: `GET /api/clock` for an
 * NTP-style clock exchange (the server's wall clock when the request arrived, t1, and when it was
 * answered, t2), `POST /api/keyframe` to ask for a keyframe (a viewer joining or repairing), and
 * `POST /api/rtp-viewers/<id>/latency` with the viewer's measured latency (a telemetry "latency"
 * message) for the server's status page. WebRTC viewers do all of it over their peer connection
 * instead. See docs/protocol.md.
 */

export const CLOCK_PATH = "/api/clock";
export const KEYFRAME_PATH = "/api/keyframe";
/** Matches a latency report's path; group 1 is the viewer's id. */
export const LATENCY_PATH = /^\/api\/rtp-viewers\/([0-9a-f-]{1,64})\/latency$/;

export function latencyPath(viewer: string): string {
  return `/api/rtp-viewers/${viewer}/latency`;
}

/** The server's wall clock (ms, sub-ms precision) at receiving the request and at answering it. */
export interface ClockReply {
  t1: number;
  t2: number;
}

/** A malformed clock reply. */
export class ClockExchangeError extends Error {
  override name = "ClockExchangeError";
}

export function encodeClockReply(reply: ClockReply): string {
  return JSON.stringify(reply);
}

/** Parses and validates a clock reply; throws ClockExchangeError. */
export function parseClockReply(text: string): ClockReply {
  if (text.length > 256) throw new ClockExchangeError("Clock reply is too long");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ClockExchangeError("Clock reply is not JSON");
  }
  const { t1, t2 } = (value ?? {}) as Record<string, unknown>;
  for (const [field, time] of [["t1", t1], ["t2", t2]] as const) {
    if (typeof time !== "number" || !Number.isFinite(time) || time <= 0) {
      throw new ClockExchangeError(`Clock reply "${field}" must be a positive number`);
    }
  }
  if ((t2 as number) < (t1 as number)) throw new ClockExchangeError("Clock reply has t2 before t1");
  return { t1: t1 as number, t2: t2 as number };
}
