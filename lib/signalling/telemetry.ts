/**
 * The telemetry wire format on the WebRTC data channel "rov-telemetry", shared by server and client:
 * per-frame capture times (server → client), an NTP-style clock exchange (ping/pong), and the
 * viewer's measured latency (client → server). One JSON object per message.
 */

export const TELEMETRY_LABEL = "rov-telemetry";

export type Telemetry =
  /**
   * A frame's RTP timestamp, its capture time and the time its last packet left the encoder's
   * pipeline for the network (`sent`), both on the server's wall clock (ms, sub-ms precision).
   */
  | { t: "frame"; rtp: number; capture: number; sent?: number }
  /** Client clock at sending. */
  | { t: "ping"; c0: number }
  /** The ping's c0, and the server clock at receiving (s1) and at answering (s2). */
  | { t: "pong"; c0: number; s1: number; s2: number }
  /** The viewer's capture → decoded latency over the last second, and its damage figures. */
  | LatencyMessage;

/** What a viewer reports of its picture, each second. */
export interface ViewerFigures {
  /** Capture → decoded latency over the last second, ms. */
  p50: number;
  p95: number;
  /** Since the viewer started: frames decoded, of which damaged, and its freezes (gaps over 100 ms). */
  frames?: number;
  damaged?: number;
  freezes?: number;
  frozenMs?: number;
  longestFreezeMs?: number;
}

export type LatencyMessage = { t: "latency"; offsetBoundMs?: number } & ViewerFigures;

const COUNTS = ["offsetBoundMs", "frames", "damaged", "freezes", "frozenMs", "longestFreezeMs"] as const;

/** A malformed telemetry message. */
export class TelemetryError extends Error {
  override name = "TelemetryError";
}

function num(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TelemetryError(`Telemetry "${field}" must be a number`);
  }
  return value;
}

export function encodeTelemetry(message: Telemetry): string {
  return JSON.stringify(message);
}

/** Parses and validates one message; throws TelemetryError. */
export function decodeTelemetry(text: string): Telemetry {
  if (text.length > 1024) throw new TelemetryError("Telemetry message is too long");
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TelemetryError("Telemetry message is not JSON");
  }
  if (typeof value !== "object" || value === null) {
    throw new TelemetryError("Telemetry message is not an object");
  }
  switch (value.t) {
    case "frame": {
      const message: Telemetry = {
        t: "frame",
        rtp: num(value.rtp, "rtp") >>> 0,
        capture: num(value.capture, "capture"),
      };
      if (value.sent !== undefined) message.sent = num(value.sent, "sent");
      return message;
    }
    case "ping":
      return { t: "ping", c0: num(value.c0, "c0") };
    case "pong":
      return { t: "pong", c0: num(value.c0, "c0"), s1: num(value.s1, "s1"), s2: num(value.s2, "s2") };
    case "latency": {
      const message: LatencyMessage = {
        t: "latency",
        p50: num(value.p50, "p50"),
        p95: num(value.p95, "p95"),
      };
      for (const field of COUNTS) {
        if (value[field] !== undefined) message[field] = num(value[field], field);
      }
      return message;
    }
    default:
      throw new TelemetryError(`Unknown telemetry message type ${JSON.stringify(value.t)}`);
  }
}
