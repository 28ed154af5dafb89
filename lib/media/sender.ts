/**
 * The server's one pipeline: source → encoder (once; or the file's own H.264 in passthrough) →
 * RTP payloader → appsink (WebRTC: JavaScript fans packets out) or udpsink (RTP: no JS at all). Pure.
 */
import {
  cameraH264Description,
  FILE_ONE_SEGMENT,
  H264_ACCESS_UNITS,
  isRestartable,
  pipelineH264Description,
  quote,
  rtspH264Description,
  sourceDescription,
  type SourceOptions,
} from "./source.ts";
import { encoderDescription, type EncoderOptions } from "./encoder.ts";

export const RTP_PAYLOAD_TYPE = 96;
/** RTP payload size: leaves room for SRTP, UDP, IP and TURN/VPN overhead under a 1500-byte MTU. */
export const RTP_MTU = 1200;
export const SENDER_APPSINK = "rtp";
/** The tee every webrtcbin viewer's branch is linked to. */
export const SENDER_TEE = "fan";
/** A branch's payloader and webrtcbin, by name. */
export const BRANCH_PAYLOADER = "pay";
export const BRANCH_WEBRTC = "webrtc";
export const BRANCH_QUEUE = "queue";
/** A restartable source's bin ends in this element; the funnel it feeds is SOURCE_INPUT. */
export const SOURCE_OUTPUT = "source_out";
export const SOURCE_INPUT = "source_in";
/** Frames a connected viewer's branch may hold while its link stalls, ns. */
export const VIEWER_QUEUE_NS = 200_000_000;

function payloaderDescription(payloadType: number, ssrc?: number, timestampOffset?: number): string {
  // SPS/PPS before every keyframe so a viewer can start at any keyframe; zero-latency
  // aggregation never holds NAL units back waiting for more.
  return `rtph264pay name=${BRANCH_PAYLOADER} pt=${payloadType} mtu=${RTP_MTU} config-interval=-1 ` +
    `aggregate-mode=zero-latency${ssrc === undefined ? "" : ` ssrc=${ssrc}`}` +
    (timestampOffset === undefined ? "" : ` timestamp-offset=${timestampOffset}`);
}

/**
 * The payloader's timestamp offset that makes RTP time (90 kHz) the capture time on the sender's wall
 * clock, modulo 2^32: `wallAtZeroMs` is the wall clock at running time 0. A browser reads each
 * frame's RTP timestamp (requestVideoFrameCallback) and so its capture time, with no side channel.
 */
export function captureRtpOffset(wallAtZeroMs: number): number {
  return Math.round(wallAtZeroMs * 90) % 2 ** 32;
}

/**
 * One webrtcbin viewer behind the tee: its own queue, payloader (with the payload type its offer
 * chose: webrtcbin does not remap them) and webrtcbin.
 */
export function viewerBranchDescription(
  payloadType: number,
  ssrc: number,
  options: { timestampOffset?: number } = {},
): string {
  return [
    // The viewer's own thread; the oldest frames are dropped first, so a slow viewer never holds up
    // the others or the encoder. One frame's worth waits until the connection is up (no stale burst
    // at the start), then up to VIEWER_QUEUE_NS while the link stalls.
    `queue name=${BRANCH_QUEUE} max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream`,
    // The SSRC is fixed here, not picked by the payloader at its first buffer: webrtcbin's answer
    // announces it (a=ssrc) only when it is known, and werift routes RTP by it (without it, the
    // viewer got no media whenever the answer was made before the first frame reached the payloader).
    payloaderDescription(payloadType, ssrc, options.timestampOffset),
    `application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=${payloadType},ssrc=(uint)${ssrc}`,
    // One transport for everything (max-bundle), as browsers and werift offer.
    `webrtcbin name=${BRANCH_WEBRTC} bundle-policy=max-bundle`,
  ].join(" ! ");
}

/**
 * Where the encode goes: RTP to JavaScript (werift fan-out), H.264 access units to a tee that each
 * webrtcbin viewer's branch joins (gstreamer engine), or RTP straight to a UDP address.
 */
export type RtpOutput =
  | { kind: "appsink" }
  | { kind: "tee" }
  | { kind: "udp"; host: string; port: number; ttl: number; multicastInterface?: string };

export interface SenderOptions extends SourceOptions {
  /** The encoder; absent in passthrough. */
  encoder?: Omit<EncoderOptions, "fps" | "width" | "height">;
  /** Send the file's H.264 as it is: no decoding, no encoding. */
  passthrough: boolean;
  lowLatency: boolean;
  output: RtpOutput;
}

/** A file's H.264 as access units with SPS/PPS, paced in real time by its own timestamps. */
export function passthroughDescription(file: string): string {
  return [
    `filesrc location=${quote(file)}`,
    // parsebin demuxes any container (MP4, MKV, MPEG-TS, raw Annex-B) without decoding.
    "parsebin",
    "h264parse config-interval=-1",
    // Whole access units; h264parse also timestamps raw Annex-B files from the stream's timing.
    "video/x-h264,stream-format=byte-stream,alignment=au",
    // Pace by those timestamps, as a camera would deliver the frames.
    "clocksync",
    FILE_ONE_SEGMENT,
  ].join(" ! ");
}

function outputDescription(output: RtpOutput): string {
  if (output.kind === "tee") {
    return [
      `tee name=${SENDER_TEE} allow-not-linked=true`,
      // A tap that counts access units (and proves the source runs); never holds the tee back.
      `${SENDER_TEE}. ! queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream ! ` +
      `appsink name=${SENDER_APPSINK} sync=false async=false max-buffers=2 drop=true enable-last-sample=false`,
    ].join(" ");
  }
  if (output.kind === "appsink") {
    // sync=false: packets go out the moment they exist; the source already paces them.
    return `appsink name=${SENDER_APPSINK} sync=false async=false max-buffers=5000 drop=true enable-last-sample=false`;
  }
  return ["session.send_rtp_sink", udpRtpDescription(output, SENDER_APPSINK)].join(" ");
}

/** A UDP destination of plain RTP (--transport rtp, or --rtp next to WebRTC). */
export type UdpDestination = Extract<RtpOutput, { kind: "udp" }>;

/**
 * The RTP session and its two UDP sinks after an RTP payloader: packets to `output`, RTCP sender
 * reports (capture times) to the port above. `sink` names the RTP udpsink; `rtcp`, when given, is
 * where the reports go instead (e.g. an appsink, for a socket that also hears feedback).
 */
function udpRtpDescription(output: UdpDestination, sink: string, rtcp?: string): string {
  const iface = output.multicastInterface ? ` multicast-iface=${output.multicastInterface}` : "";
  const udp = `host=${output.host} ttl-mc=${output.ttl} auto-multicast=true${iface} sync=false async=false`;
  return [
    // RTCP sender reports map RTP time to the wall clock (NTP) at *capture*, not at sending:
    // receivers turn that into each frame's capture time (the built-in latency figure). One a
    // second, so a viewer has the mapping within about a second of joining.
    "rtpsession name=session ntp-time-source=ntp rtcp-sync-send-time=false rtcp-min-interval=1000000000",
    // No JavaScript on this path: the kernel gets each packet straight from GStreamer.
    `session.send_rtp_src ! udpsink name=${sink} ${udp} port=${output.port} buffer-size=4194304`,
    // RTCP on the next port up (RFC 3550), where ffmpeg, VLC and rov-client look for it.
    `session.send_rtcp_src ! ${rtcp ?? `udpsink name=rtcp ${udp} port=${rtcpPort(output.port)}`}`,
  ].join(" ");
}

/** The udpsink of an --rtp branch (its bytes-served: what that output has sent). */
export const RTP_BRANCH_SINK = "rtp_out";

/**
 * Plain RTP next to WebRTC (--rtp HOST:PORT): a branch behind the tee, payloaded once for that
 * destination, with its RTCP, as --transport rtp sends it.
 */
export function rtpBranchDescription(output: UdpDestination): string {
  return [
    // Its own thread; the oldest frame goes first, so a slow network never holds back the encoder.
    "queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream",
    payloaderDescription(RTP_PAYLOAD_TYPE),
    "session.send_rtp_sink " + udpRtpDescription(output, RTP_BRANCH_SINK),
  ].join(" ! ");
}

/** The appsink of a --forward branch: its RTCP sender reports, sent on by the forward's socket. */
export const FORWARD_RTCP_SINK = "forward_rtcp";

/**
 * RTP to a relay that asks for keyframes (--forward janus://…): an --rtp branch whose sender reports
 * come out to JavaScript, to go from the socket the relay's feedback (PLI) comes back to.
 */
export function forwardBranchDescription(output: UdpDestination): string {
  return [
    "queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream",
    payloaderDescription(RTP_PAYLOAD_TYPE),
    "session.send_rtp_sink " + udpRtpDescription(
      output,
      RTP_BRANCH_SINK,
      // One report a second: a few never wait; a stalled reader never holds the session back.
      `appsink name=${FORWARD_RTCP_SINK} sync=false async=false max-buffers=4 drop=true enable-last-sample=false`,
    ),
  ].join(" ! ");
}

/** The RTCP port that goes with an RTP port: the next one up. */
export function rtcpPort(rtpPort: number): number {
  return rtpPort + 1;
}

/**
 * A restartable source (camera, --pipeline, IP camera) as its own bin, added to the running pipeline
 * in front of SOURCE_INPUT and replaced when it fails (see SourceKeeper). The bin gives H.264 access
 * units: the camera's own (passthrough) or its encoder's, which is in the bin with it, so an encoder
 * that fails (a hardware encoder that loses its session, one that cannot take the caps a reset camera
 * comes back with) is made afresh with the source instead of ending the stream.
 */
export function sourceBranchDescription(
  options: SourceOptions & Pick<SenderOptions, "encoder" | "lowLatency"> & { passthrough?: boolean },
): string {
  const source = !options.passthrough
    ? `${sourceDescription(options)} ! ${encodingDescription(options)}`
    : options.source === "rtsp"
    ? rtspH264Description(options)
    : options.source === "pipeline"
    ? pipelineH264Description(options)
    : options.source === "webcam"
    ? cameraH264Description(options)
    : sourceDescription(options);
  return `${source} ! capsfilter name=${SOURCE_OUTPUT}`;
}

/** Raw video to H.264: the queue in front of the encoder, conversion and the encoder (`encoder`). */
function encodingDescription(
  options: SourceOptions & Pick<SenderOptions, "encoder" | "lowLatency">,
): string {
  if (!options.encoder) throw new Error("An encoder is needed unless --file-passthrough is given");
  const queue = options.lowLatency
    // One frame of slack, dropping the oldest: if encoding falls behind, frames are skipped
    // instead of building up seconds of delay.
    ? "queue max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream"
    : "queue max-size-buffers=30 max-size-bytes=0 max-size-time=0";
  const encoder = encoderDescription({
    ...options.encoder,
    fps: options.fps,
    width: options.width,
    height: options.height,
  });
  return `${queue} ! videoconvert ! ${encoder}`;
}

/**
 * Where a restartable source's bin joins the pipeline: a funnel. A failing source sends EOS after its
 * error; the funnel passes EOS on only once all its inputs have had one, and an idle input (an appsrc
 * that never pushes) never does, so the encoder and every viewer's session outlive the source.
 */
function sourceInputDescription(): string {
  return `funnel name=${SOURCE_INPUT}`;
}

function sourceHoldDescription(): string {
  return `appsrc name=source_hold is-live=true format=time ! ${SOURCE_INPUT}.`;
}

export function senderDescription(options: SenderOptions): string {
  // With a tee, each viewer's branch has its own payloader: access units go to the tee as they are.
  const payloader = options.output.kind === "tee" ? [] : [payloaderDescription(RTP_PAYLOAD_TYPE)];
  if (isRestartable(options.source)) {
    // The camera's (or --pipeline's) access units into the viewers' tee (or payloader) as they come
    // out of its bin (SourceKeeper restarts it, encoder and all), in front of the funnel.
    const chain = [
      sourceInputDescription(),
      H264_ACCESS_UNITS,
      ...payloader,
      outputDescription(options.output),
    ].join(" ! ");
    return `${chain} ${sourceHoldDescription()}`;
  }
  if (options.passthrough) {
    if (!options.file) throw new Error("Cannot use --file-passthrough without --file PATH");
    return [passthroughDescription(options.file), ...payloader, outputDescription(options.output)].join(
      " ! ",
    );
  }
  return [
    sourceDescription(options),
    encodingDescription(options),
    ...payloader,
    outputDescription(options.output),
  ]
    .join(" ! ");
}
