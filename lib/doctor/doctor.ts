/**
 * `rov-server doctor` and `rov-client doctor`: the GStreamer found, every element the chosen mode needs
 * (present or missing, and the package that provides it on each OS), and the codecs `auto` picks.
 * Exit code 1 when the chosen mode cannot run.
 */
import { hasRtspServer } from "../ffi/rtsp_server.ts";
import { listVideoDevices } from "../ffi/device_monitor.ts";
import { deviceLines } from "../media/device_list.ts";
import { chooseEngine, type EngineChoice } from "../webrtc/engine.ts";
import { dtlsKeyFile, dtlsKeyLine } from "../webrtc/dtls_key.ts";
import { GstMissingError, gstreamerInfo } from "../ffi/gst.ts";
import { hostOs } from "../ffi/library_path.ts";
import { cameraElement } from "../media/source.ts";
import { packageFor, packagesFor } from "../media/plugins.ts";
import {
  type Choice,
  chooseDecoder,
  chooseEncoder,
  CodecError,
  type Registry,
} from "../media/codec_choice.ts";
import { gstRegistry } from "../media/codec_probe.ts";
import { displaySinks, RECEIVE_BUFFER_BYTES } from "../media/receiver.ts";
import type { ServerOptions } from "../cli/server_options.ts";
import type { ClientOptions } from "../cli/client_options.ts";

/** The elements a server mode needs, besides its encoder. */
export function serverElements(
  options: Pick<ServerOptions, "source" | "transport" | "filePassthrough">,
): string[] {
  const source = options.source === "test" || options.source === "stamp"
    ? ["appsrc"]
    : options.source === "webcam"
    ? [cameraElement(hostOs(), 0).split(" ")[0], "decodebin", "videoscale", "videorate"]
    : options.filePassthrough
    ? ["filesrc", "parsebin", "h264parse", "clocksync"]
    : ["filesrc", "decodebin", "videoscale", "videorate", "clocksync"];
  const common = options.filePassthrough ? [] : ["queue", "videoconvert"];
  const output = options.transport === "rtp" ? "udpsink" : "appsink";
  return [...source, ...common, "rtph264pay", output];
}

/** The elements a client mode needs, besides its decoder and window sink. */
export function clientElements(options: Pick<ClientOptions, "transport">): string[] {
  const input = options.transport === "rtp" ? "udpsrc" : "appsrc";
  return [input, "rtpjitterbuffer", "rtph264depay", "h264parse", "tee", "queue", "videoconvert", "appsink"];
}

export interface DoctorReport {
  lines: string[];
  ok: boolean;
}

/** One line per element: present or missing, and its packages. */
export function elementLines(
  elements: string[],
  registry: Pick<Registry, "has">,
): { lines: string[]; missing: string[] } {
  const missing = elements.filter((e) => !registry.has(e));
  const lines = elements.map((element) => {
    const p = packagesFor(element);
    const state = registry.has(element) ? "present" : "MISSING";
    return `  ${element.padEnd(16)} ${
      state.padEnd(8)
    } Debian/Ubuntu: ${p.linux}; macOS: ${p.darwin}; Windows: ${p.windows}`;
  });
  return { lines, missing };
}

/** The report's last line: the mode runs, or what to install (or `otherwise` when nothing is missing). */
function verdict(ok: boolean, missing: string[], otherwise: string): string {
  if (ok) return "This mode can run.";
  const install = missing.map((m) => `${m} (${packageFor(m, hostOs())})`).join(", ");
  return `This mode cannot run: ${missing.length ? `install ${install}` : otherwise}.`;
}

async function codecLine<N extends string>(
  kind: string,
  choose: () => Promise<Choice<N>>,
): Promise<{ line: string; ok: boolean }> {
  try {
    const choice = await choose();
    return { line: `  ${kind}: ${choice.name} (${choice.element})`, ok: true };
  } catch (error) {
    if (error instanceof CodecError) return { line: `  ${kind}: none — ${error.message}`, ok: false };
    throw error;
  }
}

/** Which WebRTC engine runs and why (from the registry; WebRTC mode only), and its kept DTLS key. */
async function engineLines(
  transport: string | undefined,
  requested: EngineChoice | undefined,
  registry: Registry,
): Promise<string[]> {
  if (transport === "rtp") return [];
  const decision = chooseEngine(requested ?? "auto", {
    hasElement: (element) => registry.has(element),
    librariesLoad: () => true,
  });
  if (decision.engine !== "gstreamer") return [decision.reason];
  return [decision.reason, await dtlsKeyLine(dtlsKeyFile(hostOs(), Deno.env.toObject()))];
}

/** The server's report for `options`, from `registry`. */
export async function serverReport(
  options: Pick<ServerOptions, "source" | "transport" | "filePassthrough" | "encoder"> & {
    webrtcEngine?: EngineChoice;
    /** --rtsp-port (0: off), and whether gst-rtsp-server loads. */
    rtspPort?: number;
    rtspServer?: boolean;
    /** The camera list (deviceLines), when it was taken. */
    cameras?: string[];
  },
  registry: Registry,
): Promise<DoctorReport> {
  const { lines, missing } = elementLines(serverElements(options), registry);
  const out = [
    `Mode: --source ${options.source} --transport ${options.transport}${
      options.filePassthrough ? " --file-passthrough" : ""
    }`,
    "Elements:",
    ...lines,
    ...await engineLines(options.transport, options.webrtcEngine, registry),
    "Codec:",
  ];
  let codecOk = true;
  if (options.filePassthrough) out.push("  encoder: none (passthrough)");
  else {
    const encoder = await codecLine("encoder", () => chooseEncoder(options.encoder, registry));
    out.push(encoder.line);
    codecOk = encoder.ok;
  }
  if (options.rtspPort !== undefined) {
    out.push("Outputs:", rtspLine(options.rtspPort, options.rtspServer === true));
  }
  if (options.cameras) out.push("Cameras:", ...options.cameras.map((line) => `  ${line}`));
  const ok = missing.length === 0 && codecOk;
  out.push(verdict(ok, missing, "no encoder"));
  return { lines: out, ok };
}

/** Whether RTSP will be served: optional, so its absence never fails the verdict. */
export function rtspLine(port: number, available: boolean): string {
  if (port === 0) return "  RTSP: off (--rtsp-port 0)";
  if (!available) {
    return `  RTSP: off — gst-rtsp-server is missing: install ${
      hostOs() === "linux" ? "gstreamer1.0-rtsp (Debian/Ubuntu)" : "GStreamer's RTSP server library"
    } (everything else works)`;
  }
  return `  RTSP: rtsp://HOST:${port}/video (gst-rtsp-server loads; fed by the gstreamer engine)`;
}

/**
 * The line on the socket receive buffer a viewer can get: Linux caps SO_RCVBUF at
 * net.core.rmem_max (often 208 KiB), which loses packets of high-bitrate streams in keyframe bursts.
 */
export function receiveBufferLine(rmemMax: number | undefined): string {
  if (rmemMax === undefined) return "  receive buffer: system default";
  if (rmemMax >= RECEIVE_BUFFER_BYTES) return `  receive buffer: up to ${rmemMax} bytes (enough)`;
  return `  receive buffer: capped at ${rmemMax} bytes (net.core.rmem_max); streams above ~20 Mbit/s may ` +
    `lose packets in keyframe bursts: sudo sysctl -w net.core.rmem_max=${RECEIVE_BUFFER_BYTES}`;
}

/** net.core.rmem_max on Linux; undefined elsewhere or when unreadable. */
function readRmemMax(): number | undefined {
  if (hostOs() !== "linux") return undefined;
  try {
    const value = Number(Deno.readTextFileSync("/proc/sys/net/core/rmem_max").trim());
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The client's report for `options`, from `registry`. */
export async function clientReport(
  options: Pick<ClientOptions, "transport" | "decoder" | "headless" | "sink"> & {
    webrtcEngine?: EngineChoice;
    /** net.core.rmem_max, where the system has one. */
    rmemMax?: number;
  },
  registry: Registry,
): Promise<DoctorReport> {
  const { lines, missing } = elementLines(clientElements(options), registry);
  const out = [
    `Mode: --transport ${options.transport ?? "webrtc"}${options.headless ? " --headless" : ""}`,
    "Elements:",
    ...lines,
    ...await engineLines(options.transport, options.webrtcEngine, registry),
    "Codec and window:",
  ];
  const decoder = await codecLine("decoder", () => chooseDecoder(options.decoder, registry));
  out.push(decoder.line);
  let sinkOk = true;
  if (!options.headless) {
    const sink = options.sink ?? displaySinks(hostOs()).find((s) => registry.has(s));
    sinkOk = sink !== undefined && registry.has(sink);
    out.push(`  window: ${sinkOk ? sink : `none — install ${packageFor("ximagesink", hostOs())}`}`);
  }
  out.push("Network:", receiveBufferLine(options.rmemMax));
  const ok = missing.length === 0 && decoder.ok && sinkOk;
  out.push(verdict(ok, missing, "see above"));
  return { lines: out, ok };
}

function header(): { lines: string[]; ok: boolean } {
  try {
    const info = gstreamerInfo();
    return { lines: [`${info.version}, loaded from ${info.path}`], ok: true };
  } catch (error) {
    if (error instanceof GstMissingError) return { lines: [error.message], ok: false };
    throw error;
  }
}

async function run(report: (registry: Registry) => Promise<DoctorReport>): Promise<number> {
  const head = header();
  for (const line of head.lines) console.log(line);
  if (!head.ok) return 1;
  const result = await report(gstRegistry());
  for (const line of result.lines) console.log(line);
  return result.ok ? 0 : 1;
}

export function serverDoctor(options: ServerOptions): Promise<number> {
  return run(async (registry) =>
    serverReport({
      ...options,
      rtspServer: hasRtspServer(),
      cameras: deviceLines(await listVideoDevices()),
    }, registry)
  );
}

export function clientDoctor(options: ClientOptions): Promise<number> {
  return run((registry) => clientReport({ ...options, rmemMax: readRmemMax() }, registry));
}
