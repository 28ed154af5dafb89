/** The client's pipeline: RTP in → jitter buffer → depayload → decode → display and a frame tap. Pure. */
import { recordingDescription } from "./recorder.ts";
import type { HostOs } from "../ffi/library_path.ts";
import { rtcpPort, RTP_PAYLOAD_TYPE } from "./sender.ts";

export type DecoderName = "nvdec" | "vaapi" | "v4l2" | "avdec" | "openh264";
export const DECODER_NAMES: readonly DecoderName[] = ["nvdec", "vaapi", "v4l2", "avdec", "openh264"];

/** Elements per decoder, in the order tried. */
export const DECODER_ELEMENTS: Record<DecoderName, readonly string[]> = {
  nvdec: ["nvh264dec", "nvv4l2decoder"],
  vaapi: ["vah264dec", "vaapih264dec"],
  v4l2: ["v4l2h264dec"],
  avdec: ["avdec_h264"],
  openh264: ["openh264dec"],
};
export const HARDWARE_DECODERS: readonly DecoderName[] = ["nvdec", "vaapi", "v4l2"];

export const RECEIVER_APPSRC = "rtp";
export const RECEIVER_WEBRTC = "webrtc";
export const FRAMES_APPSINK = "frames";
/** The window's text overlay (a banner while the picture is frozen) and the appsrc that repeats the last frame. */
export const BANNER = "banner";
export const STILL_APPSRC = "still";
const JITTER_BUFFER = "jitter";

/**
 * Where RTP comes from: JavaScript (werift), webrtcbin in the same pipeline (gstreamer engine), or a
 * UDP socket GStreamer reads itself (RTP transport).
 */
export type RtpInput =
  | { kind: "appsrc" }
  | { kind: "webrtc" }
  | { kind: "udp"; address: string; port: number; multicastInterface?: string };

export interface ReceiverOptions {
  input: RtpInput;
  /** The decoder element (one of DECODER_ELEMENTS). */
  decoder: string;
  /** rtpjitterbuffer latency in ms: 0 passes packets on at once. */
  latencyMs: number;
  lowLatency: boolean;
  /** The video sink element, or undefined for no window (headless). */
  sink?: string;
  /** Record the received H.264 as it is to this MP4 file (rov-client --record). */
  recordFile?: string;
}

/** Candidate window sinks per OS, best first. */
export function displaySinks(os: HostOs): string[] {
  switch (os) {
    case "linux":
      // ximagesink works on every X server (Xvfb and XWayland too); xvimagesink needs an Xv port.
      return ["ximagesink", "xvimagesink", "glimagesink", "autovideosink"];
    case "darwin":
      return ["osxvideosink", "glimagesink", "autovideosink"];
    case "windows":
      return ["d3d11videosink", "d3dvideosink", "glimagesink", "autovideosink"];
  }
}

function decoderElement(element: string, lowLatency: boolean): string {
  // Frame threading holds (threads − 1) frames; slice threading decodes each frame as it arrives.
  if (element === "avdec_h264" && lowLatency) return "avdec_h264 name=decoder thread-type=slice";
  // Hardware decoders output in their own memory: convert for the tap and the window.
  if (element === "nvv4l2decoder") return "nvv4l2decoder name=decoder ! nvvidconv";
  return `${element} name=decoder`;
}

/** Whether an address is IPv4 multicast (224.0.0.0/4). */
export function isMulticast(address: string): boolean {
  const first = Number(address.split(".")[0]);
  return first >= 224 && first <= 239;
}

function inputElement(input: Exclude<RtpInput, { kind: "webrtc" }>, caps: string): string {
  if (input.kind === "appsrc") {
    // do-timestamp stamps arrival time, which the jitter buffer uses; is-live keeps it from prerolling.
    return `appsrc name=${RECEIVER_APPSRC} is-live=true do-timestamp=true format=time caps="${caps}"`;
  }
  return `udpsrc name=${RECEIVER_APPSRC} ${udpSource(input, input.port)} caps="${caps}"`;
}

/** The socket receive buffer a viewer asks for, on either transport: rides out a keyframe burst. */
export const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

function udpSource(input: Extract<RtpInput, { kind: "udp" }>, port: number): string {
  const group = isMulticast(input.address)
    ? `address=${input.address} auto-multicast=true${
      input.multicastInterface ? ` multicast-iface=${input.multicastInterface}` : ""
    }`
    : `address=${input.address}`;
  // A 4 MB socket buffer rides out bursts (a keyframe at hundreds of Mbit/s) without kernel drops.
  return `${group} port=${port} buffer-size=${RECEIVE_BUFFER_BYTES}`;
}

/** The server's RTCP sender reports, read beside the RTP: they give each frame's capture time. */
function rtcpBranch(input: RtpInput): string {
  if (input.kind !== "udp") return "";
  return ` udpsrc name=rtcp ${udpSource(input, rtcpPort(input.port))} caps="application/x-rtcp" ! ` +
    `${JITTER_BUFFER}.sink_rtcp`;
}

/**
 * The jitter buffer's latency: how long a missing packet is waited for (packets in order pass at
 * once, so this costs nothing while nothing is lost). With NACK and retransmission (webrtcbin
 * input) 40 ms: a packet lost at the end of a frame is only missed when the next frame starts
 * (33 ms at 30 fps), and its retransmission takes a round trip more. 0 over plain RTP, where
 * nothing would repair it, and the frame goes to the decoder at once; 0 too for werift's packets
 * in low-latency mode, which wait in JavaScript instead (`reorderWaitMs`); 200 ms with
 * --no-low-latency. `requested` is --webrtc-latency.
 */
export function jitterLatencyMs(input: RtpInput["kind"], lowLatency: boolean, requested?: number): number {
  if (input === "appsrc" && lowLatency) return 0;
  if (requested !== undefined) return requested;
  if (!lowLatency) return 200;
  return input === "webrtc" ? 40 : 0;
}

/**
 * How long werift's packets wait in JavaScript behind a gap for its retransmission (ReorderBuffer):
 * the wait webrtcbin's jitter buffer has, in low-latency mode, where the appsrc's jitter buffer
 * cannot wait (see ReorderBuffer); 0 otherwise, where it does.
 */
export function reorderWaitMs(lowLatency: boolean, requested?: number): number {
  return lowLatency ? jitterLatencyMs("webrtc", true, requested) : 0;
}

/**
 * The element WebRTC sessions' sources feed (gstreamer engine): a funnel, so that a second attempt
 * can be made beside one that is slow to connect (ViewerLink's hedge), and the source's last element.
 */
export const RECEIVER_SESSIONS = "sessions";
const RECEIVER_PARSE = "parse";
export const RECEIVER_DEPAY = "depay";

/**
 * A new stream (a session, a reconnect, RTP joined mid-GOP) starts at a keyframe: the depayloader
 * drops the frames before it, which decode to grey garbage (the frames a viewer's branch sent while it
 * connected, and those until its keyframe) and are no picture yet. The depayloader takes this at its
 * start; ReceiverPipeline then turns the property off, so that a loss (in that first keyframe too)
 * never makes it wait for one: waiting froze the picture for up to 1.5 s under 2 % loss (bench
 * --faults), keyframes being often hit too; the receiver asks for a keyframe at once instead.
 */
export const WAIT_FOR_FIRST_KEYFRAME = "wait-for-keyframe=true";

/**
 * One WebRTC session's source, added in front of the running decoder and replaced on reconnect:
 * webrtcbin with its jitter buffer (inside, at `latencyMs`) and the depayloader. webrtcbin's source
 * pad appears once media flows and parse-launch links it then.
 */
export function webrtcSourceDescription(options: Pick<ReceiverOptions, "latencyMs">): string {
  return [
    `webrtcbin name=${RECEIVER_WEBRTC} bundle-policy=max-bundle latency=${options.latencyMs} ${RECEIVER_WEBRTC}.`,
    `rtph264depay name=${RECEIVER_DEPAY} request-keyframe=true ${WAIT_FOR_FIRST_KEYFRAME}`,
  ].join(" ! ");
}

/** The access units' tap: each one's timestamp and flags (keyframe, after a loss), never the bytes. */
export const UNITS_APPSINK = "units";
const UNITS_TEE = "units_tee";

/**
 * Parse, then decode; a tee beside the decoder tells which frames follow a loss and which are
 * keyframes (the damage figure). Its leaky queue never holds the decoder back.
 */
function parseAndDecode(options: ReceiverOptions): string {
  return [
    `h264parse name=${RECEIVER_PARSE}`,
    `tee name=${UNITS_TEE}`,
    decoderElement(options.decoder, options.lowLatency),
  ].join(" ! ");
}

function unitsBranch(): string {
  return ` ${UNITS_TEE}. ! queue max-size-buffers=30 max-size-bytes=0 max-size-time=0 leaky=downstream ! ` +
    `appsink name=${UNITS_APPSINK} sync=false async=false max-buffers=30 drop=true enable-last-sample=false`;
}

export function receiverDescription(options: ReceiverOptions): string {
  const rtpCaps =
    `application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=${RTP_PAYLOAD_TYPE}`;
  // The WebRTC sessions' sources are added in front of the parser (webrtcSourceDescription); only a
  // connected one passes media, and the one that connects second is closed.
  const head = options.input.kind === "webrtc"
    ? `funnel name=${RECEIVER_SESSIONS} ! ${parseAndDecode(options)}`
    : [
      inputElement(options.input, rtpCaps),
      // WebRTC in low latency: mode=none timestamps frames from RTP time alone (no arrival-time
      // smoothing), which lets the client map a decoded frame back to its RTP timestamp and the
      // capture time the server sent for it (built-in latency).
      `rtpjitterbuffer name=${JITTER_BUFFER} latency=${options.latencyMs} drop-on-latency=${options.lowLatency}` +
      (options.lowLatency && options.input.kind === "appsrc" ? " mode=none" : "") +
      // RTP input: each frame carries the sender's NTP time from RTCP sender reports (capture time).
      (options.input.kind === "udp" ? " add-reference-timestamp-meta=true" : ""),
      `rtph264depay ${WAIT_FOR_FIRST_KEYFRAME}`,
      parseAndDecode(options),
    ].join(" ! ");
  // The recording takes the access units beside the decoder, as the server's recording takes the tee's.
  const record = options.recordFile ? ` ${UNITS_TEE}. ! ${recordingDescription(options.recordFile)}` : "";
  return `${head} ! ${tail(options)}${unitsBranch()}${record}${rtcpBranch(options.input)}`;
}

/** Decoded frames: to the tap, and to the window when there is one. */
function tail(options: ReceiverOptions): string {
  // The frame tap counts frames and reads their size; it never holds the display back. With a
  // window it keeps the last frame (a reference, no copy) for the banner's still.
  const tap = `appsink name=${FRAMES_APPSINK} sync=false async=false max-buffers=60 drop=true ` +
    `enable-last-sample=${options.sink ? "true" : "false"}`;
  if (!options.sink) return tap;
  // sync=false in low-latency mode: a frame is shown the moment it is decoded.
  const sync = options.lowLatency ? "sync=false" : "sync=true";
  const leaky = "queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream";
  // async=false: the pipeline plays without waiting for a first frame to preroll the window, as
  // the WebRTC source is added (and replaced on reconnect) while it runs; webrtcbin's jitter buffer
  // needs the running pipeline's clock to let its first packet through.
  return `tee name=split split. ! ${leaky} ! ${tap} split. ! ${leaky} ! ` +
    // While the picture is frozen, the last frame comes again from JavaScript (twice a second) with a
    // banner on it ("reconnecting…"); otherwise the overlay is silent and passes frames untouched.
    `funnel name=screen ! videoconvert ! ` +
    `textoverlay name=${BANNER} silent=true valignment=top halignment=center font-desc="Sans 16" ` +
    `shaded-background=true wait-text=false ! ${options.sink} name=display ${sync} async=false ` +
    `appsrc name=${STILL_APPSRC} is-live=true do-timestamp=true format=time ! screen.`;
}
