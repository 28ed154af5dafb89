/** Pipeline descriptions of video sources: camera, file, test pattern, a user's pipeline. Pure functions. */
import type { HostOs } from "../ffi/library_path.ts";

export type SourceKind = "webcam" | "file" | "test" | "stamp" | "pipeline" | "rtsp";

export interface SourceOptions {
  source: SourceKind;
  /** Camera index: /dev/videoN on Linux, device-index elsewhere. */
  device: number;
  file?: string;
  /** A GStreamer description producing video, for --source pipeline. */
  pipeline?: string;
  /** An IP camera's RTSP URL, for --source rtsp. */
  url?: string;
  /**
   * The camera mode chosen from what the camera reports (chooseCameraFormat), and the JPEG decoder
   * for an MJPEG mode; without it the camera goes through decodebin at whatever it offers.
   */
  cameraMode?: {
    kind: "h264" | "raw" | "mjpeg";
    width: number;
    height: number;
    fps: number;
    pixelFormat?: string;
  };
  jpegDecoder?: string;
  /** Output size; 0 keeps the source's native size. */
  width: number;
  height: number;
  fps: number;
  os: HostOs;
}

/**
 * H.264 parsed into whole access units, Annex-B, with SPS/PPS before every keyframe: the form every
 * passthrough source hands the viewers' tee (and the payloader) in.
 */
export const H264_ACCESS_UNITS =
  "h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au";

/** gst-launch quoting for a property value (paths with spaces or quotes). */
export function quote(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * Raw-video caps for the requested size and rate; a 0 size is left to the source. I420 throughout:
 * what H.264 encoders take, so no conversion runs between source and encoder (at 1080p30 a stray
 * AYUV→I420 conversion costs most of a core).
 */
export function rawCaps(width: number, height: number, fps: number): string {
  const size = width > 0 && height > 0 ? `,width=${width},height=${height}` : "";
  return `video/x-raw,format=I420${size},framerate=${fps}/1`;
}

/** The camera element of each OS. */
export function cameraElement(os: HostOs, device: number): string {
  switch (os) {
    case "linux":
      return `v4l2src device=/dev/video${device}`;
    case "darwin":
      return `avfvideosrc device-index=${device}`;
    case "windows":
      return `mfvideosrc device-index=${device}`;
  }
}

/** The size of a synthetic source's frames: its own default when the size is native (0). */
export function syntheticSize(options: Pick<SourceOptions, "source" | "width" | "height">): [number, number] {
  if (options.width && options.height) return [options.width, options.height];
  return options.source === "test" ? [1920, 1080] : [1280, 720];
}

/**
 * Whether the source can fail and come back while the server runs (a camera reset, a crashed capture
 * process): it is then kept apart from the encoder, and restarted on its own (see SourceKeeper).
 * A file, and the server's own pictures, are not.
 */
export function isRestartable(source: SourceKind): boolean {
  return source === "webcam" || source === "pipeline" || source === "rtsp";
}

/** How the logs name the source: "Camera /dev/video0". */
export function sourceLabel(
  options: Pick<SourceOptions, "source" | "device" | "os" | "file" | "url">,
): string {
  switch (options.source) {
    case "webcam":
      return options.os === "linux" ? `Camera /dev/video${options.device}` : `Camera ${options.device}`;
    case "pipeline":
      return "The --pipeline source";
    case "rtsp":
      return `The RTSP camera ${options.url}`;
    case "file":
      return `File ${options.file}`;
    default:
      return "The test picture";
  }
}

/** Source through to raw frames of the requested size and rate, ending without a trailing `!`. */
export function sourceDescription(options: SourceOptions): string {
  const caps = rawCaps(options.width, options.height, options.fps);
  switch (options.source) {
    case "test":
    case "stamp":
      // Frames come from JavaScript with their capture time in the pixels (see StampSource); the
      // test picture adds a clock. No native size: 0 means 1920x1080 for test, 1280x720 for stamp.
      return `appsrc name=frames is-live=true do-timestamp=true format=time ` +
        `caps="${rawCaps(...syntheticSize(options), options.fps)}"`;
    case "rtsp":
      // An IP camera re-encoded (--encoder given): whatever it sends, decoded.
      return [
        rtspCameraSource(options),
        "decodebin",
        "videoconvert",
        "videoscale",
        "videorate drop-only=true",
        caps,
      ]
        .join(" ! ");
    case "webcam":
    case "pipeline":
      if (options.source === "webcam" && options.cameraMode && options.cameraMode.kind !== "h264") {
        // The chosen mode, asked of the camera, then met exactly.
        return [...cameraModeSource(options), "videoconvert", "videoscale", "videorate drop-only=true", caps]
          .join(" ! ");
      }
      // decodebin takes MJPEG or raw from a camera (and whatever a user's pipeline gives: raw video
      // passes as it is); videorate/videoscale meet the requested caps.
      return [
        options.source === "webcam" ? cameraElement(options.os, options.device) : pipelineSource(options),
        "decodebin",
        "videoconvert",
        "videoscale",
        "videorate drop-only=true",
        caps,
      ].join(" ! ");
    case "file":
      if (!options.file) throw new Error("Cannot use --source file: --file PATH is missing");
      // clocksync paces a file in real time, as a camera would deliver it.
      return [
        `filesrc location=${quote(options.file)}`,
        "decodebin",
        "videoconvert",
        "videoscale",
        "videorate",
        caps,
        "clocksync",
        FILE_ONE_SEGMENT,
      ].join(" ! ");
  }
}

/**
 * Whether a file's first bytes are MPEG-TS (188-byte packets, or M2TS's 192 with a 4-byte prefix, each
 * starting with the sync byte 0x47). tsdemux refuses segment seeks, and stops sending when refused a
 * flushing one, so such a file loops with a flush at its end instead (see SenderPipeline).
 */
export function isMpegTs(head: Uint8Array): boolean {
  const SYNC = 0x47;
  return [[0, 188], [4, 192]].some(([first, size]) =>
    head.length >= first + 2 * size + 1 &&
    [0, 1, 2].every((packet) => head[first + packet * size] === SYNC)
  );
}

/** The name of FILE_ONE_SEGMENT's element, where a looping file's seek starts. */
export const FILE_SEGMENT = "filesegment";

/**
 * Behind a file's pacing: its buffers restamped with running time, in one segment. A looping file's
 * segments would restart its timestamps at each loop, and an element that misses a segment's base
 * (webrtcbin's RTP session, making its sender reports' capture times) would date every frame after
 * a loop one file length too early. A looping file is seeked from here (FILE_SEGMENT).
 */
export const FILE_ONE_SEGMENT = `identity name=${FILE_SEGMENT} single-segment=true`;

/** A frame rate as caps write it: 30/1, and NTSC's 29.97 as 30000/1001. */
export function fpsFraction(fps: number): string {
  return Number.isInteger(fps) ? `${fps}/1` : `${Math.round(fps * 1001)}/1001`;
}

/** The camera asked for its chosen mode, and (MJPEG) decoded by the JPEG decoder chosen. */
function cameraModeSource(options: SourceOptions): string[] {
  const mode = options.cameraMode!;
  const size = `width=${mode.width},height=${mode.height},framerate=${fpsFraction(mode.fps)}`;
  const camera = cameraElement(options.os, options.device);
  if (mode.kind === "h264") {
    return [
      options.os === "linux" ? `${camera} ${h264CameraControls(mode.fps)}` : camera,
      `video/x-h264,${size}`,
    ];
  }
  if (mode.kind === "mjpeg") return [camera, `image/jpeg,${size}`, options.jpegDecoder ?? "jpegdec"];
  return [camera, `video/x-raw${mode.pixelFormat ? `,format=${mode.pixelFormat}` : ""},${size}`];
}

/**
 * A camera's H.264 cannot be asked for a keyframe when a viewer joins (v4l2src passes no such
 * request on), so it is asked for one every second, by the V4L2 controls cameras and the
 * Raspberry Pi's encoder expose (`h264_i_frame_period`, `video_gop_size`). v4l2src sets those the
 * camera has and skips the others with a warning, so a camera without them runs as it would.
 */
export function h264CameraControls(fps: number): string {
  const frames = Math.max(1, Math.round(fps));
  return `extra-controls="c,h264_i_frame_period=${frames},video_gop_size=${frames}"`;
}

/** A camera's own H.264 in its chosen mode, parsed into access units with SPS/PPS (passthrough). */
export function cameraH264Description(options: SourceOptions): string {
  return [
    ...cameraModeSource(options),
    H264_ACCESS_UNITS,
  ]
    .join(" ! ");
}

/** JPEG decoders, hardware first (NVIDIA, V4L2 on a Pi or Jetson, VA-API), else libjpeg. */
export const JPEG_DECODERS = ["nvjpegdec", "v4l2jpegdec", "vajpegdec", "jpegdec"] as const;

/** The first JPEG decoder `has` finds; jpegdec when none is (it is in -good). */
export function chooseJpegDecoder(has: (element: string) => boolean): string {
  return JPEG_DECODERS.find((element) => has(element)) ?? "jpegdec";
}

/** rtspsrc for an IP camera: no jitter-buffer wait (latency=0), TCP when UDP does not get through. */
function rtspCameraSource(options: SourceOptions): string {
  if (!options.url) throw new Error("Cannot use --source rtsp: --url is missing");
  return `rtspsrc location=${quote(options.url)} latency=0 protocols=udp+tcp do-retransmission=false`;
}

/**
 * An IP camera's H.264 as it comes: depayloaded and parsed into access units with SPS/PPS, never
 * decoded (see senderDescription's passthrough).
 */
export function rtspH264Description(options: SourceOptions): string {
  return [
    rtspCameraSource(options),
    "rtph264depay",
    H264_ACCESS_UNITS,
  ].join(" ! ");
}

/**
 * Whether a --pipeline description ends in H.264 (its last element is H.264 caps, an H.264 encoder,
 * parser or depayloader): then it is passed on as it is, like a camera's own H.264, not decoded and
 * encoded again.
 */
export function pipelineGivesH264(description: string): boolean {
  const last = description.split("!").at(-1)?.trim().split(/\s/)[0] ?? "";
  return /^video\/x-h264\b/.test(last) || /^(\w*h264enc|h264parse|rtph264depay|x264enc)$/.test(last);
}

/** A --pipeline description's H.264, parsed into access units with SPS/PPS (passthrough). */
export function pipelineH264Description(options: SourceOptions): string {
  return [
    pipelineSource(options),
    H264_ACCESS_UNITS,
  ]
    .join(" ! ");
}

function pipelineSource(options: SourceOptions): string {
  if (!options.pipeline?.trim()) {
    throw new Error("Cannot use --source pipeline: --pipeline DESCRIPTION is missing");
  }
  return options.pipeline;
}
