/** rov-client's command line: every option, its default, and validation. Pure. */
import { parseArgs } from "node:util";
import { ENGINE_CHOICES, type EngineChoice } from "../webrtc/engine.ts";
import {
  choiceOption,
  CliError,
  hostOption,
  interfaceOption,
  intOption,
  numberOption,
  parseError,
} from "./cli_error.ts";
import { DECODER_NAMES, type DecoderName } from "../media/receiver.ts";
import { isStreamName } from "../signalling/stream_name.ts";

export interface ClientOptions {
  /** The server's access token (--token), or the file holding it (--token-file). */
  token?: string;
  tokenFile?: string;
  /** A CA certificate (PEM file) to trust for the server's HTTPS (--ca-cert); it implies HTTPS. */
  caCert?: string;
  /** Signalling over HTTPS (--host https://…, or --ca-cert). */
  https: boolean;
  /** With --auto, a server sending both WebRTC and plain RTP (--rtp): which to take (default webrtc). */
  prefer: "webrtc" | "rtp";
  /** The server's stream to watch (--stream NAME; absent: its first). */
  stream?: string;
  /** Find the server by discovery instead of --host. */
  auto: boolean;
  host?: string;
  signalPort: number;
  discoveryPort: number;
  discoveryTimeoutS: number;
  /** Where discovery queries go; undefined: every interface's broadcast address. */
  discoveryAddresses?: string[];
  name?: string;
  stun: boolean;
  /** Which WebRTC engine runs: `auto` takes webrtcbin when it is installed, else werift. */
  webrtcEngine: EngineChoice;
  headless: boolean;
  /** Exit 0 after this many decoded frames. */
  frames?: number;
  /** Exit 0 after this many seconds of video. */
  durationS?: number;
  /** --webrtc-latency; undefined: the transport's default (jitterLatencyMs). */
  latencyMs?: number;
  lowLatency: boolean;
  /** Keep reconnecting when the server goes away (false: --no-reconnect, exit as scripts expect). */
  reconnect: boolean;
  sink?: string;
  decoder: DecoderName | "auto";
  /** rtp: receive plain RTP/UDP (from the beacon with --auto, or --rtp-host/--rtp-port). */
  transport?: "webrtc" | "rtp";
  rtpHost: string;
  rtpPort: number;
  rtpInterface?: string;
  doctor: boolean;
  /** Write one JSON record per decoded frame here. */
  statsJson?: string;
  /** Record what is received, as it is (no re-encoding), to this MP4 file. */
  recordFile?: string;
  verbose: boolean;
  help: boolean;
  version: boolean;
}

export const CLIENT_HELP = `rov-client: shows the live video of an rov-server with the lowest delay

Usage: rov-client --auto [options]
       rov-client --host ADDR [options]
       rov-client --transport rtp [--rtp-host GROUP|ADDR] [--rtp-port N] [options]
       rov-client doctor [options]   what this machine can run, and what to install

Finding the server
  --auto                     find the server on the LAN (also: --host auto)
  --host ADDR                the server's address: HOST, HOST:PORT or the URL it prints
  --signal-port N            the server's signalling port (default 8080)
  --name NAME                with --auto: the server announcing this name
  --prefer webrtc|rtp        with --auto, of a server that sends both (rov-server --rtp): which to
                             receive (default webrtc)
  --stream NAME              which of the server's cameras (rov-server --stream; default its first)
  --token SECRET             the server's access token (rov-server --token); --token-file PATH reads it
  --ca-cert FILE             trust this CA certificate (PEM) for the server's HTTPS (rov-server
                             --tls-cert); https://HOST:PORT in --host uses the system's CAs
  --discovery-port N         UDP discovery port (default 5003)
  --discovery-timeout S      say so when no server answers within S seconds (default 5); with
                             --no-reconnect, exit then
  --discovery-address LIST   comma-separated addresses queries go to (default: the broadcast
                             address of every IPv4 interface, loopback included)
  --stun                     use Google's public STUN server (off: nothing outside the LAN is contacted)
  --webrtc-engine E          auto|gstreamer|werift (default auto: gstreamer's webrtcbin when it and
                             libnice are installed, else werift, pure TypeScript)

Video
  --headless                 no window: decode and report only
  --no-reconnect             exit when the server goes away or cannot be reached (default: keep the
                             window, say "reconnecting" and find the server again, retrying each second)
  --frames N                 exit 0 after N decoded frames
  --duration S               exit 0 after S seconds of video
  --webrtc-latency MS        how long a missing packet is waited for (default: 40 on the gstreamer
                             engine, time for its retransmission; 0 elsewhere); packets in order
                             pass at once either way
  --no-low-latency           smoother playback: 200 ms jitter buffer, display synchronised to the clock
  --sink ELEMENT             GStreamer video sink for the window (default: the best one for this OS)
  --decoder NAME             auto|nvdec|vaapi|v4l2|avdec|openh264 (default auto: the first that runs)

RTP transport (a server started with --transport rtp; --auto learns all of this from its beacon)
  --transport rtp            receive plain RTP/UDP instead of WebRTC
  --rtp-host ADDR            multicast group to join (default 239.255.0.1) or local address for unicast
  --rtp-port N               RTP port (default 5004)
  --rtp-interface NAME       network interface to join the multicast group on
  --host ADDR                with --transport rtp: the server's HTTP address, for the built-in latency
                             (clock exchange, RTCP capture times) and a keyframe on joining

Other
  --record FILE              record what arrives, as it is (no re-encoding), to FILE (fragmented MP4:
                             a power cut loses at most about a second)
  --stats-json FILE          one JSON line per decoded frame: time, size, built-in capture → decoded
                             latency, and the pixel-stamp figure when the server runs --source stamp
                             (the pixel figure needs both machines' clocks to agree)
  --verbose                  log GStreamer pipelines and connection details
  --help                     this text
  --version                  version and build information

In the window, Q or Esc quits; Ctrl+C quits from the terminal.
`;

/** Parses rov-client's arguments; throws CliError with a one-line reason. */
export function parseClientOptions(args: string[]): ClientOptions {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        auto: { type: "boolean" },
        host: { type: "string" },
        stream: { type: "string" },
        prefer: { type: "string" },
        token: { type: "string" },
        "token-file": { type: "string" },
        "ca-cert": { type: "string" },
        "signal-port": { type: "string" },
        name: { type: "string" },
        "discovery-port": { type: "string" },
        "discovery-timeout": { type: "string" },
        "discovery-address": { type: "string" },
        stun: { type: "boolean" },
        "webrtc-engine": { type: "string" },
        headless: { type: "boolean" },
        frames: { type: "string" },
        duration: { type: "string" },
        "webrtc-latency": { type: "string" },
        "no-low-latency": { type: "boolean" },
        "no-reconnect": { type: "boolean" },
        sink: { type: "string" },
        decoder: { type: "string" },
        transport: { type: "string" },
        "rtp-host": { type: "string" },
        "rtp-port": { type: "string" },
        "rtp-interface": { type: "string" },
        "stats-json": { type: "string" },
        record: { type: "string" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw parseError(error);
  }
  const str = (key: string) => values[key] as string | undefined;
  const help = values.help === true;
  const version = values.version === true;
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== "doctor")) {
    throw new CliError(`Unexpected argument "${positionals.at(-1)}": the only command is "doctor"`);
  }
  const doctor = positionals[0] === "doctor";
  const transport = choiceOption("transport", str("transport"), ["webrtc", "rtp"] as const);
  for (const key of ["rtp-host", "rtp-port", "rtp-interface"]) {
    if (str(key) !== undefined && transport !== "rtp") {
      throw new CliError(`--${key} is only used with --transport rtp`);
    }
  }
  const hostArg = str("host");
  const auto = values.auto === true || hostArg === "auto";
  const address = hostArg === "auto" ? undefined : serverAddress(hostArg);
  const host = hostOption("host", address?.host);
  if (auto && host !== undefined) throw new CliError("--auto and --host ADDR contradict each other: use one");
  if (!auto && host === undefined && !help && !version && !doctor && transport !== "rtp") {
    throw new CliError("Say where the server is: --auto to find it on the LAN, or --host ADDR");
  }
  if (str("name") !== undefined && !auto) throw new CliError("--name selects a server found with --auto");
  const lowLatency = values["no-low-latency"] !== true;
  const addresses = str("discovery-address")?.split(",").map((a) => a.trim()).filter(Boolean);
  for (const address of addresses ?? []) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
      throw new CliError(`Invalid --discovery-address ${JSON.stringify(address)}: expected IPv4 addresses`);
    }
  }
  const sink = str("sink");
  if (sink !== undefined && !/^[a-z0-9_]+$/.test(sink)) {
    throw new CliError(`Invalid --sink ${JSON.stringify(sink)}: expected a GStreamer element name`);
  }
  return {
    auto,
    host,
    stream: streamOption(str("stream")),
    prefer: choiceOption("prefer", str("prefer"), ["webrtc", "rtp"] as const) ?? "webrtc",
    token: str("token"),
    tokenFile: str("token-file"),
    caCert: str("ca-cert"),
    https: address?.https === true || str("ca-cert") !== undefined,
    signalPort: signalPort(address?.port, intOption("signal-port", str("signal-port"), 1, 65535)),
    discoveryPort: intOption("discovery-port", str("discovery-port"), 1, 65535) ?? 5003,
    discoveryTimeoutS: numberOption("discovery-timeout", str("discovery-timeout"), 0.1, 3600) ?? 5,
    discoveryAddresses: addresses && addresses.length > 0 ? addresses : undefined,
    name: str("name"),
    stun: values.stun === true,
    webrtcEngine: choiceOption("webrtc-engine", str("webrtc-engine"), ENGINE_CHOICES) ?? "auto",
    headless: values.headless === true,
    frames: intOption("frames", str("frames"), 1, 1_000_000_000),
    durationS: numberOption("duration", str("duration"), 0.1, 31_536_000),
    latencyMs: intOption("webrtc-latency", str("webrtc-latency"), 0, 10_000),
    lowLatency,
    reconnect: values["no-reconnect"] !== true,
    sink,
    decoder: choiceOption("decoder", str("decoder"), ["auto", ...DECODER_NAMES] as const) ?? "auto",
    transport,
    rtpHost: hostOption("rtp-host", str("rtp-host")) ?? "239.255.0.1",
    // RTCP comes on the port above.
    rtpPort: intOption("rtp-port", str("rtp-port"), 1, 65534) ?? 5004,
    rtpInterface: interfaceOption("rtp-interface", str("rtp-interface")),
    doctor,
    statsJson: str("stats-json"),
    recordFile: str("record"),
    verbose: values.verbose === true,
    help,
    version,
  };
}

/**
 * --host as pilots write it: an address or name, HOST:PORT, [IPv6]:PORT, or the signalling URL the
 * server prints (http://HOST:PORT/).
 */
export function serverAddress(
  value: string | undefined,
): { host: string; port?: number; https?: boolean } | undefined {
  if (value === undefined) return undefined;
  const url = /^(https?):\/\/([^/]+)\/?$/.exec(value);
  const hostPort = url?.[2] ?? value;
  const https = url?.[1] === "https" ? { https: true } : {};
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(hostPort);
  const single = /^([^:]+):(\d+)$/.exec(hostPort);
  const [host, port] = bracketed
    ? [bracketed[1], bracketed[2]]
    : single
    ? [single[1], single[2]]
    : [hostPort];
  if (port === undefined) return { host, ...https };
  return { host, port: intOption("host", port, 1, 65535), ...https };
}

function signalPort(fromHost: number | undefined, given: number | undefined): number {
  if (fromHost !== undefined && given !== undefined && fromHost !== given) {
    throw new CliError(`--host says port ${fromHost} and --signal-port ${given}: give one`);
  }
  return fromHost ?? given ?? 8080;
}

function streamOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isStreamName(value)) {
    throw new CliError(`Invalid --stream "${value}": expected a stream name (a-z, 0-9, - and _)`);
  }
  return value;
}
