/**
 * What rov-client starts before the rest of it loads: GStreamer, the WebRTC engine and that engine's
 * DTLS certificate, from the key kept between runs (the first run generates it: RSA-2048 on
 * GStreamer 1.22, 0.1–0.9 s, the longest wait before a first frame).
 */
import type { ClientOptions } from "./client_options.ts";
import { CliError } from "./cli_error.ts";
import { loadGStreamer } from "../media/launch.ts";
import { decideEngine } from "../webrtc/engine_probe.ts";
import type { EngineDecision } from "../webrtc/engine.ts";
import { prepareDtlsCertificate } from "../ffi/webrtc_bin.ts";
import { userDtlsKey } from "../webrtc/dtls_key.ts";

/** What startClient began. */
export interface ClientStart {
  /** The WebRTC engine; undefined for --transport rtp. */
  engine?: EngineDecision;
  /** The werift client module, being imported (~300 ms) when its engine runs. */
  werift?: Promise<typeof import("../webrtc/werift_client.ts")>;
}

/**
 * Loads GStreamer, chooses the WebRTC engine and starts making its certificate on
 * another thread; werift is imported only when its engine runs.
 */
export function startClient(options: ClientOptions): ClientStart {
  loadGStreamer("rov-client", options.transport ?? "webrtc");
  const engine = options.transport === "rtp" ? undefined : decideEngine(options.webrtcEngine);
  if (engine?.unavailable) throw new CliError(engine.unavailable);
  if (engine?.engine === "gstreamer") void prepareDtlsCertificate({ key: userDtlsKey() });
  const werift = engine?.engine === "werift" ? import("../webrtc/werift_client.ts") : undefined;
  void werift?.then((module) => module.prepareCertificate());
  return { engine, werift };
}
