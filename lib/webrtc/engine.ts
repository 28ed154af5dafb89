/**
 * The two WebRTC engines and how one is chosen. `gstreamer` (webrtcbin: ICE in libnice, DTLS-SRTP
 * and RTCP in native code, no JavaScript on the media path) is the default wherever it is installed;
 * `werift` (pure TypeScript) is the portable one. Pure: what is installed is an argument.
 */
import type { ViewerKind, ViewerLatency } from "../signalling/routes.ts";
import type { ViewerFigures } from "../signalling/telemetry.ts";

export type WebRtcEngineName = "gstreamer" | "werift";
export type EngineChoice = "auto" | WebRtcEngineName;
export const ENGINE_CHOICES: readonly EngineChoice[] = ["auto", "gstreamer", "werift"];

/** What the gstreamer engine needs, each element with the Debian/Ubuntu package that has it. */
export const GSTREAMER_ENGINE_ELEMENTS: readonly { element: string; role: string; apt: string }[] = [
  { element: "webrtcbin", role: "webrtcbin", apt: "gstreamer1.0-plugins-bad" },
  { element: "dtlsdec", role: "DTLS", apt: "gstreamer1.0-plugins-bad" },
  { element: "srtpdec", role: "SRTP", apt: "gstreamer1.0-plugins-bad" },
  { element: "nicesrc", role: "libnice (ICE)", apt: "gstreamer1.0-nice" },
];

export interface EngineDecision {
  engine: WebRtcEngineName;
  /** One line: which engine runs and why (logged at start, shown by doctor). */
  reason: string;
  /** Elements of the gstreamer engine that are missing. */
  missing: string[];
  /** Why an explicit `--webrtc-engine gstreamer` cannot run here: one line for the user. */
  unavailable?: string;
}

/**
 * The engine to run for `requested`. `auto` takes gstreamer when every element it needs is present
 * (and its libraries load), else werift, naming what to install. An explicit `gstreamer` that cannot
 * run is an error for the caller to report (the decision says what is missing).
 */
export function chooseEngine(
  requested: EngineChoice,
  installed: { hasElement: (name: string) => boolean; librariesLoad: () => boolean },
): EngineDecision {
  if (requested === "werift") {
    return { engine: "werift", reason: "WebRTC engine: werift (--webrtc-engine werift)", missing: [] };
  }
  const absent = GSTREAMER_ENGINE_ELEMENTS.filter((e) => !installed.hasElement(e.element));
  const missing = absent.map((e) => e.element);
  if (absent.length === 0 && !installed.librariesLoad()) missing.push("libgstwebrtc-1.0");
  if (missing.length === 0) {
    const why = requested === "auto"
      ? "auto: webrtcbin, DTLS, SRTP and libnice are installed"
      : "--webrtc-engine gstreamer";
    return { engine: "gstreamer", reason: `WebRTC engine: gstreamer (${why})`, missing };
  }
  const packages = [...new Set(absent.map((e) => e.apt))];
  const install = packages.length > 0 ? `; install ${packages.join(" ")}` : "";
  const what = absent.length > 0 ? absent.map((e) => e.role).join(", ") : "libgstwebrtc-1.0";
  const why = `webrtcbin needs ${what}, not found${install}`;
  return {
    engine: "werift",
    reason: `WebRTC engine: werift (${why})`,
    missing,
    unavailable: requested === "gstreamer" ? `Cannot use --webrtc-engine gstreamer: ${why}` : undefined,
  };
}

/** A viewer as `/api/status` shows it, the same on both engines. */
export interface ViewerStatus {
  id: string;
  kind: string;
  engine: WebRtcEngineName;
  state: string;
  bytesSent: number;
  packetsSent: number;
  /** Packets not sent: shed for overload or a stalled viewer (werift), or lost as the viewer reports. */
  packetsDropped: number;
  keyFramesRequested: number;
  /** NACKs the viewer sent (gstreamer engine; werift does not count them). */
  nacksReceived?: number;
  /** Round-trip time from the viewer's receiver reports, ms. */
  roundTripMs?: number;
  paused: boolean;
  latency?: ViewerLatency & { at: number };
  connectedForS: number;
}

/** The server's WebRTC side, whichever engine runs it. */
export interface WebRtcServer {
  readonly engine: WebRtcEngineName;
  /** Answers a viewer's offer; throws OfferError for an unusable one. */
  answer(offer: string, kind: ViewerKind): Promise<{ id: string; answer: string }>;
  /** Ends a viewer; false when there is no such viewer. */
  hangUp(id: string): Promise<boolean>;
  /** A viewer's own latency figure, reported over HTTP (false when there is no such viewer). */
  reportLatency(id: string, latency: ViewerLatency): boolean;
  viewers(): ViewerStatus[];
  /** Overload figures (werift sheds packets when the event loop runs late; webrtcbin never does). */
  overloadPauses: number;
  packetsShed: number;
  close(): Promise<void>;
}

/** The log line for a viewer that joined or left, the same on both engines. */
export function viewerLine(
  id: string,
  event: "joined" | "left",
  detail: { kind?: ViewerKind; count: number },
) {
  const via = detail.kind === undefined ? "" : ` via ${detail.kind === "whep" ? "WHEP" : "/offer"}`;
  return `Viewer ${id.slice(0, 8)} ${event}${via} (${detail.count} watching)`;
}

/** Receive figures since the last call: what the client's status line shows. */
export interface Traffic {
  bytes: number;
  packets: number;
  lost: number;
}

/** What the client knows of a decoded frame, for its built-in latency. */
export interface DecodedFrame {
  /** Pipeline timestamp (werift: RTP time through the jitter buffer in mode=none). */
  pts?: bigint;
  /** The server's capture time as NTP, from its RTCP sender reports (gstreamer engine). */
  ntpTime?: bigint;
}

/** The client's WebRTC session, whichever engine runs it. */
export interface WebRtcViewing {
  readonly engine: WebRtcEngineName;
  /** Capture → decoded latency of a decoded frame (ms), when known. */
  builtInLatency(frame: DecodedFrame, now: number): number | undefined;
  /** Per-stage figures for --stats-json, where the engine sees packets (werift). */
  stages(frame: DecodedFrame): { sentMs?: number; receivedMs?: number };
  /** Bytes, packets and losses since the last call. */
  traffic(): Traffic;
  /** `performance.now()` when media last arrived; 0 before any. */
  readonly lastMediaAt: number;
  /** Asks the server for a keyframe (rate-limited). */
  requestKeyFrame(): void;
  /** Tells the server this viewer's latency, for its status page. */
  reportLatency(figures: ViewerFigures): void;
  close(): Promise<void>;
}
