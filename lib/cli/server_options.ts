/** rov-server's command line: every option, its default, and validation. Pure. */
import { type MavlinkEndpoint, parseMavlinkEndpoint } from "../mavlink/mavlink_endpoint.ts";
import { parseArgs } from "node:util";
import { ENGINE_CHOICES, type EngineChoice } from "../webrtc/engine.ts";
import { choiceOption, CliError, hostOption, interfaceOption, intOption, parseError } from "./cli_error.ts";
import { pipelineGivesH264, type SourceKind, type SourceOptions } from "../media/source.ts";
import { ENCODER_NAMES, type EncoderName } from "../media/encoder.ts";
import { autoBitrateKbps } from "../media/h264.ts";
import { DEFAULT_STREAM, isStreamName } from "../signalling/stream_name.ts";
import type { ForwardTarget } from "../media/rtp_forward.ts";

export interface ServerOptions {
  source: SourceKind;
  device: number;
  file?: string;
  /** --source pipeline: a GStreamer description that produces video. */
  pipeline?: string;
  loop: boolean;
  width: number;
  height: number;
  fps: number;
  /** kbit/s; chosen from the pixel rate when not given. */
  bitrateKbps: number;
  bitrateAuto: boolean;
  lowLatency: boolean;
  maxQuality: boolean;
  host: string;
  signalPort: number;
  /** RTSP (rtsp://HOST:PORT/video); 0: off. */
  rtspPort: number;
  /** Where recordings go (--record DIR, else --record-dir, else ./recordings). */
  recordDir: string;
  /** Record from the start (--record DIR). */
  recordAtStart: boolean;
  /** The MAVLink camera component's link (--mavlink); off when absent. */
  mavlink?: MavlinkEndpoint;
  /** The MAVLink system id it speaks for (the vehicle's). */
  mavlinkSysid: number;
  /** List the cameras and exit (--list-devices; --json for scripts). */
  listDevices: boolean;
  json: boolean;
  discoveryPort: number;
  /** WebRTC viewers served at once; more get 503 with Retry-After. */
  maxViewers: number;
  /** Offers a second one address may make (after a burst of 5 s' worth, at least 10); more get 429. */
  offerRate: number;
  discovery: boolean;
  name: string;
  stun: boolean;
  /** Which WebRTC engine runs: `auto` takes webrtcbin when it is installed, else werift. */
  webrtcEngine: EngineChoice;
  encoder: EncoderName | "auto";
  transport: "webrtc" | "rtp";
  /** RTP transport: destination (multicast group or a viewer's unicast address). */
  rtpHost: string;
  rtpPort: number;
  /** Interface name for multicast (default: the system's route). */
  rtpInterface?: string;
  /** Plain RTP next to WebRTC (--rtp HOST:PORT, repeatable): multicast groups or unicast addresses. */
  rtp: { host: string; port: number }[];
  /** RTP to relays that ask for keyframes over RTCP (--forward janus://HOST:PORT, repeatable). */
  forward: ForwardTarget[];
  /** Also write the RTP stream's SDP to this file. */
  sdpFile?: string;
  filePassthrough: boolean;
  /** H.264 sent as it arrives, no encoder: --file-passthrough, or an RTSP camera without --encoder. */
  passthrough: boolean;
  /** Set at start-up, not parsed: the camera's mode (see cameraChoice) and the JPEG decoder. */
  cameraMode?: SourceOptions["cameraMode"];
  jpegDecoder?: string;
  /** The IP camera's stream, for --source rtsp. */
  url?: string;
  /** The access token every API request must carry (--token), or the file holding it (--token-file). */
  token?: string;
  tokenFile?: string;
  /** HTTPS for signalling: certificate chain and key (PEM files). */
  tlsCert?: string;
  tlsKey?: string;
  /** This stream's name: /whep/NAME, rtsp://HOST:PORT/NAME, rov-client --stream NAME (default "video"). */
  streamName: string;
  /** The other cameras (--stream), each with its own source options and the rest of these. */
  streams: ServerOptions[];
  doctor: boolean;
  verbose: boolean;
  help: boolean;
  version: boolean;
}

export const SERVER_HELP = `rov-server: live H.264 video from an ROV camera to every viewer over WebRTC

Usage: rov-server [options]
       rov-server doctor [options]   what this machine can run, and what to install

Source
  --source webcam|file|test|stamp|pipeline|rtsp  what to stream (default webcam); stamp: a measuring
                             pattern with each frame's capture time in its pixels (rov-client shows the
                             latency); test: the same picture with a clock (1920x1080 when native)
  --pipeline DESCRIPTION     for --source pipeline: a GStreamer description producing video (raw, or
                             anything decodebin decodes), e.g. "v4l2src device=/dev/video2 ! image/jpeg";
                             one that ends in H.264 (video/x-h264 caps, an encoder) is sent as it is
  --url rtsp://CAMERA/PATH   for --source rtsp (an IP camera): its H.264 is sent as it comes (no decode,
                             no encode; --encoder NAME re-encodes), another codec decoded and encoded
                             once; reopened when the camera drops
  --device N                 camera index: /dev/videoN on Linux, device index on Windows/macOS (default 0)
  --file PATH                video file for --source file (any container GStreamer decodes)
  --no-loop                  stop at the end of the file instead of looping
  --width N, --height N      output size (default 1920x1080; 0 keeps the source's native size)
  --fps N                    frames per second (default 30)
  --file-passthrough         send an H.264 file (MP4, MKV, MPEG-TS, raw) as it is: no decoding or encoding
  --stream-name NAME         this camera's stream name (default video): /whep/NAME, rtsp://HOST:PORT/NAME
  --stream NAME:OPT=VALUE,…  one more camera, encoded on its own, e.g.
                             --stream down:source=webcam,device=2,width=1280,height=720 (repeatable);
                             OPT is any source or encoding option above (source, device, file, url,
                             pipeline — the last, taking the rest —, width, height, fps, bitrate,
                             encoder, no-loop, file-passthrough, max-quality), or its own
                             rtp=HOST:PORT / forward=janus://HOST:PORT; the rest is shared

Encoding (once, shared by all viewers)
  --encoder NAME             auto|nvenc|vaapi|v4l2|x264|openh264 (default auto: the first that runs,
                             in that order)
  --bitrate KBPS             target bitrate in kbit/s (default: 0.24 bit per pixel per frame,
                             about 15000 at 1080p30 and 6600 at 720p30)
  --low-latency              lowest delay: no encoder lookahead, frames dropped rather than queued (default)
  --no-low-latency           smoother under load at the cost of delay (queues, lookahead; never B-frames)
  --max-quality              twice the automatic bitrate and a slower preset, still real time

Network
  --host ADDR                address to bind and to offer media on (default 0.0.0.0: every interface)
  --signal-port N            HTTP signalling port (default 8080; 0 picks a free one)
  --rtsp-port N              RTSP port for QGroundControl, VLC and ffmpeg: rtsp://HOST:N/video
                             (default 8554; 0: no RTSP)
  --record DIR               record from the start into DIR: fragmented MP4 of the one encode, a new
                             file every 10 min (POST /api/recording switches it on and off)
  --record-dir DIR           where POST /api/recording records without --record (default ./recordings)
  --token SECRET             every API request must carry Authorization: Bearer SECRET (WHEP, /offer,
                             /api/*; the page asks once), RTSP user rov with SECRET as password
                             (Digest); --token-file PATH reads it from a file
  --tls-cert FILE, --tls-key FILE  signalling over HTTPS with this certificate (PEM)
  --mavlink LINK             MAVLink camera component, so QGroundControl lists the stream by itself:
                             udpout:HOST:PORT, udpin:ADDR:PORT or serial:DEVICE:BAUD (default off)
  --mavlink-sysid N          the vehicle's MAVLink system id (default 1)
  --discovery-port N         UDP discovery port (default 5003)
  --max-viewers N            WebRTC viewers served at once (default 16); more are told to retry (503)
  --offer-rate N             offers a second from one address (default 2, after a burst of 10); more
                             are told to retry (429)
  --no-discovery             do not announce (clients then need --host)
  --name NAME                name announced to clients (default: this host's name)
  --stun                     use Google's public STUN server (off: nothing outside the LAN is contacted)
  --webrtc-engine E          auto|gstreamer|werift (default auto: gstreamer's webrtcbin when it and
                             libnice are installed, else werift, pure TypeScript)
  --transport webrtc|rtp     webrtc (default): each viewer negotiates; rtp: plain RTP/UDP from GStreamer,
                             no JavaScript on the media path, for the highest bitrates
  --rtp HOST:PORT            also send plain RTP there, from the same encode, next to WebRTC (repeatable;
                             a multicast group, TTL 1, or a unicast address; RTCP on PORT+1; the first
                             is /stream.sdp); needs the gstreamer engine
  --forward janus://HOST:PORT  also send it to a Janus streaming mountpoint (its videoport; RTCP both
                             ways on its videortcpport, PORT+1 or ?rtcp-port=N, so Janus's viewers
                             get keyframes when they ask); Janus serves the many viewers (repeatable)
  --rtp-host ADDR            RTP destination: a multicast group (default 239.255.0.1, TTL 1) or a
                             viewer's unicast address
  --rtp-port N               RTP destination port (default 5004; QGroundControl listens on 5600)
  --rtp-interface NAME       network interface for multicast (default: the system's route)
  --sdp-file PATH            also write the RTP stream's SDP here (it is served at /stream.sdp too)

Other
  --list-devices             list the cameras GStreamer sees (name, path, H.264/MJPEG/raw sizes and
                             rates) and exit; with --json, as JSON
  --verbose                  log GStreamer pipelines and connection details
  --help                     this text
  --version                  version and build information
`;

/** Parses rov-server's arguments; throws CliError with a one-line reason. */
export function parseServerOptions(args: string[], defaultName: string): ServerOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        source: { type: "string" },
        device: { type: "string" },
        file: { type: "string" },
        pipeline: { type: "string" },
        "no-loop": { type: "boolean" },
        width: { type: "string" },
        height: { type: "string" },
        fps: { type: "string" },
        bitrate: { type: "string" },
        "low-latency": { type: "boolean" },
        "no-low-latency": { type: "boolean" },
        "max-quality": { type: "boolean" },
        host: { type: "string" },
        "signal-port": { type: "string" },
        "rtsp-port": { type: "string" },
        record: { type: "string" },
        "record-dir": { type: "string" },
        mavlink: { type: "string" },
        "list-devices": { type: "boolean" },
        json: { type: "boolean" },
        "mavlink-sysid": { type: "string" },
        "discovery-port": { type: "string" },
        "max-viewers": { type: "string" },
        "offer-rate": { type: "string" },
        "no-discovery": { type: "boolean" },
        name: { type: "string" },
        stun: { type: "boolean" },
        "webrtc-engine": { type: "string" },
        encoder: { type: "string" },
        transport: { type: "string" },
        "rtp-host": { type: "string" },
        rtp: { type: "string", multiple: true },
        forward: { type: "string", multiple: true },
        "rtp-port": { type: "string" },
        "rtp-interface": { type: "string" },
        "sdp-file": { type: "string" },
        "file-passthrough": { type: "boolean" },
        url: { type: "string" },
        stream: { type: "string", multiple: true },
        token: { type: "string" },
        "token-file": { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "stream-name": { type: "string" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw parseError(error);
  }
  const str = (key: string) => values[key] as string | undefined;
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== "doctor")) {
    throw new CliError(`Unexpected argument "${positionals.at(-1)}": the only command is "doctor"`);
  }
  const transport = choiceOption("transport", str("transport"), ["webrtc", "rtp"] as const) ?? "webrtc";
  for (const key of ["rtp-host", "rtp-port", "rtp-interface", "sdp-file"]) {
    if (str(key) !== undefined && transport !== "rtp") {
      throw new CliError(`--${key} is only used with --transport rtp`);
    }
  }
  const filePassthrough = values["file-passthrough"] === true;
  const source = choiceOption(
    "source",
    str("source"),
    ["webcam", "file", "test", "stamp", "pipeline", "rtsp"] as const,
  ) ?? "webcam";
  const url = str("url");
  if (source === "rtsp" && !url) throw new CliError("--source rtsp needs --url rtsp://CAMERA/PATH");
  if (url !== undefined && source !== "rtsp") throw new CliError("--url is only used with --source rtsp");
  if (url !== undefined && !/^rtsps?:\/\/[^\s/]+/.test(url)) {
    throw new CliError(`Invalid --url "${url}": expected rtsp://HOST[:PORT]/PATH`);
  }
  const file = str("file");
  if (source === "file" && !file) throw new CliError("--source file needs --file PATH");
  if (file !== undefined && source !== "file") throw new CliError("--file is only used with --source file");
  const pipeline = str("pipeline");
  if (source === "pipeline" && !pipeline?.trim()) {
    throw new CliError('--source pipeline needs --pipeline "DESCRIPTION"');
  }
  if (pipeline !== undefined && source !== "pipeline") {
    throw new CliError("--pipeline is only used with --source pipeline");
  }
  if (filePassthrough && source !== "file") {
    throw new CliError("--file-passthrough needs --source file --file PATH");
  }
  if (filePassthrough && str("encoder") !== undefined) {
    throw new CliError("--file-passthrough sends the file as it is: no --encoder");
  }
  if (values["low-latency"] && values["no-low-latency"]) {
    throw new CliError("--low-latency and --no-low-latency contradict each other");
  }
  const width = intOption("width", str("width"), 0, 7680) ?? 1920;
  const height = intOption("height", str("height"), 0, 4320) ?? 1080;
  if ((width === 0) !== (height === 0)) {
    throw new CliError("--width and --height must both be 0 (native size) or both be set");
  }
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new CliError(`Invalid size ${width}x${height}: H.264 needs even width and height`);
  }
  const fps = intOption("fps", str("fps"), 1, 240) ?? 30;
  const maxQuality = values["max-quality"] === true;
  const given = intOption("bitrate", str("bitrate"), 100, 1_000_000);
  // Native size is unknown before the source opens: 1080p is assumed for the automatic bitrate.
  const auto = autoBitrateKbps(width || 1920, height || 1080, fps, maxQuality);
  const name = str("name") ?? defaultName;
  if (name.length === 0 || name.length > 64) {
    throw new CliError("Invalid --name: expected 1 to 64 characters");
  }
  if ((str("tls-cert") === undefined) !== (str("tls-key") === undefined)) {
    throw new CliError("--tls-cert and --tls-key go together: give both (PEM files)");
  }
  const options: ServerOptions = {
    source,
    device: intOption("device", str("device"), 0, 255) ?? 0,
    file,
    pipeline,
    loop: values["no-loop"] !== true,
    width,
    height,
    fps,
    bitrateKbps: given ?? auto,
    bitrateAuto: given === undefined,
    lowLatency: values["no-low-latency"] !== true,
    maxQuality,
    host: hostOption("host", str("host")) ?? "0.0.0.0",
    signalPort: intOption("signal-port", str("signal-port"), 0, 65535) ?? 8080,
    rtspPort: intOption("rtsp-port", str("rtsp-port"), 0, 65535) ?? 8554,
    recordDir: str("record") ?? str("record-dir") ?? "recordings",
    recordAtStart: str("record") !== undefined,
    mavlink: str("mavlink") === undefined ? undefined : parseMavlinkEndpoint(str("mavlink")!),
    mavlinkSysid: intOption("mavlink-sysid", str("mavlink-sysid"), 1, 255) ?? 1,
    listDevices: values["list-devices"] === true,
    json: values.json === true,
    discoveryPort: intOption("discovery-port", str("discovery-port"), 1, 65535) ?? 5003,
    maxViewers: intOption("max-viewers", str("max-viewers"), 1, 1000) ?? 16,
    offerRate: intOption("offer-rate", str("offer-rate"), 1, 1000) ?? 2,
    discovery: values["no-discovery"] !== true,
    name,
    stun: values.stun === true,
    webrtcEngine: choiceOption("webrtc-engine", str("webrtc-engine"), ENGINE_CHOICES) ?? "auto",
    encoder: choiceOption("encoder", str("encoder"), ["auto", ...ENCODER_NAMES] as const) ?? "auto",
    transport,
    rtpHost: hostOption("rtp-host", str("rtp-host")) ?? "239.255.0.1",
    rtp: ((values.rtp as string[] | undefined) ?? []).map(rtpDestination),
    forward: ((values.forward as string[] | undefined) ?? []).map(forwardTarget),
    // RTCP goes to the port above.
    rtpPort: intOption("rtp-port", str("rtp-port"), 1, 65534) ?? 5004,
    rtpInterface: interfaceOption("rtp-interface", str("rtp-interface")),
    sdpFile: str("sdp-file"),
    filePassthrough,
    // An IP camera's H.264, or a --pipeline's, goes out as it comes unless an encoder is named.
    passthrough: filePassthrough ||
      (str("encoder") === undefined &&
        (source === "rtsp" || (source === "pipeline" && pipelineGivesH264(pipeline ?? "")))),
    url,
    token: str("token"),
    tokenFile: str("token-file"),
    tlsCert: str("tls-cert"),
    tlsKey: str("tls-key"),
    streamName: streamNameOption("stream-name", str("stream-name")) ?? DEFAULT_STREAM,
    streams: [],
    doctor: positionals[0] === "doctor",
    verbose: values.verbose === true,
    help: values.help === true,
    version: values.version === true,
  };
  if (options.rtp.length > 0 && transport === "rtp") {
    throw new CliError("--rtp adds RTP next to WebRTC: with --transport rtp, use --rtp-host and --rtp-port");
  }
  if (options.forward.length > 0 && transport === "rtp") {
    throw new CliError("--forward sends from the WebRTC server's encode: not with --transport rtp");
  }
  const specs = (values.stream as string[] | undefined) ?? [];
  if (specs.length > 0 && transport === "rtp") {
    throw new CliError("--stream needs --transport webrtc (plain RTP sends one stream to one port)");
  }
  options.streams = specs.map((spec) => streamOptions(args, spec, defaultName));
  const names = [options.streamName, ...options.streams.map((s) => s.streamName)];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new CliError(`Two streams are named "${twice}": give each its own name`);
  return options;
}

/** The options a --stream gives its camera; the rest it shares with the first. */
const STREAM_VALUES = ["source", "device", "file", "url", "width", "height", "fps", "bitrate", "encoder"];
const STREAM_FLAGS = ["no-loop", "file-passthrough", "max-quality"];
/** Options whose value may hold commas: the rest of the spec is theirs. */
const STREAM_TAILS = ["pipeline"];
/**
 * Options of the first camera alone: a --stream does not inherit --rtp or --forward (a port would be
 * sent two streams); it gives its own (rtp=HOST:PORT, forward=janus://HOST:PORT).
 */
const STREAM_ONLY = ["stream", "stream-name", "rtp", "forward"];
/** Outputs a --stream may give itself, each as often as it likes. */
const STREAM_OUTPUTS = ["rtp", "forward"];

/** --rtp HOST:PORT (an IPv6 address in brackets). */
function rtpDestination(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s]+)):(\d+)$/.exec(value);
  if (!match) throw new CliError(`Invalid --rtp "${value}": expected HOST:PORT, e.g. 239.255.0.2:5600`);
  return {
    host: hostOption("rtp", match[1] ?? match[2])!,
    port: intOption("rtp", match[3], 1, 65534)!,
  };
}

/**
 * --forward janus://HOST:PORT[?rtcp-port=N]: a Janus streaming mountpoint's videoport, and its
 * videortcpport (default PORT+1), where it hears our RTCP and sends its keyframe requests from.
 */
function forwardTarget(value: string): ForwardTarget {
  const example = "e.g. janus://192.168.2.1:5600 (the mountpoint's videoport)";
  const match = /^janus:\/\/(?:\[([0-9A-Fa-f:.]+)\]|([^:/?\s]+)):(\d+)\/?(?:\?rtcp-port=(\d+))?$/.exec(value);
  if (!match) throw new CliError(`Invalid --forward "${value}": expected janus://HOST:PORT, ${example}`);
  const port = intOption("forward", match[3], 1, 65534)!;
  const rtcpPort = match[4] === undefined ? port + 1 : intOption("forward", match[4], 1, 65535)!;
  if (rtcpPort === port) throw new CliError(`Invalid --forward "${value}": RTCP needs a port of its own`);
  return { kind: "janus", host: hostOption("forward", match[1] ?? match[2])!, port, rtcpPort };
}

/** A stream name: lower case, digits, - and _, as it appears in URLs. */
function streamNameOption(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isStreamName(value)) {
    throw new CliError(
      `Invalid --${option} "${value}": expected 1 to 32 lower-case letters, digits, - or _ (it goes in URLs)`,
    );
  }
  return value;
}

/**
 * One --stream NAME:OPT=VALUE,… as full options: the shared options of `args` (not the first
 * camera's source and encoding options), then the spec's own, checked as the command line is.
 */
function streamOptions(args: string[], spec: string, defaultName: string): ServerOptions {
  const colon = spec.indexOf(":");
  const name = streamNameOption("stream", colon < 0 ? spec : spec.slice(0, colon));
  const own: string[] = [];
  let rest = colon < 0 ? "" : spec.slice(colon + 1);
  while (rest.length > 0) {
    const tail = STREAM_TAILS.find((key) => rest.startsWith(`${key}=`));
    const [item, remainder] = tail ? [rest, ""] : [rest.split(",")[0], rest.split(",").slice(1).join(",")];
    rest = remainder;
    const equals = item.indexOf("=");
    const key = equals < 0 ? item : item.slice(0, equals);
    if (STREAM_FLAGS.includes(key) && equals < 0) own.push(`--${key}`);
    else if (
      (STREAM_VALUES.includes(key) || STREAM_TAILS.includes(key) || STREAM_OUTPUTS.includes(key)) &&
      equals > 0
    ) {
      own.push(`--${key}`, item.slice(equals + 1));
    } else {
      throw new CliError(
        `Invalid --stream ${name}: "${item}" is not a source option (source=, device=, file=, url=, ` +
          `pipeline=, width=, height=, fps=, bitrate=, encoder=, no-loop, file-passthrough, max-quality, ` +
          `rtp=, forward=)`,
      );
    }
  }
  if (!own.includes("--source")) {
    throw new CliError(`--stream ${name} needs source=… (e.g. ${name}:source=webcam,device=1)`);
  }
  const perCamera = [...STREAM_VALUES, ...STREAM_FLAGS, ...STREAM_TAILS, ...STREAM_ONLY];
  const shared = sharedArgs(args, perCamera);
  try {
    return { ...parseServerOptions([...shared, ...own], defaultName), streamName: name! };
  } catch (error) {
    if (error instanceof CliError) throw new CliError(`In --stream ${name}: ${error.message}`);
    throw error;
  }
}

/** `args` without the options named in `drop` (and their values). */
function sharedArgs(args: string[], drop: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const match = /^--([a-z-]+)(=.*)?$/.exec(arg);
    if (match && drop.includes(match[1])) {
      // A value option's value is the next argument unless given as --opt=value.
      const flag = STREAM_FLAGS.includes(match[1]);
      if (!flag && match[2] === undefined) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}
