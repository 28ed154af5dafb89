/** Pipeline descriptions of video sources: camera, file, test pattern. Pure functions. */
import type { HostOs } from "../ffi/library_path.ts";

export type SourceKind = "webcam" | "file" | "test" | "stamp";

export interface SourceOptions {
  source: SourceKind;
  /** Camera index: /dev/videoN on Linux, device-index elsewhere. */
  device: number;
  file?: string;
  /** Output size; 0 keeps the source's native size. */
  width: number;
  height: number;
  fps: number;
  os: HostOs;
}

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

/** Source through to raw frames of the requested size and rate, ending without a trailing `!`. */
export function sourceDescription(options: SourceOptions): string {
  const caps = rawCaps(options.width, options.height, options.fps);
  switch (options.source) {
    case "test": {
      // The pattern has no native size: 0 means 1920x1080.
      const width = options.width || 1920;
      const height = options.height || 1080;
      const frame = rawCaps(width, height, options.fps);
      // Even-sized noise block, 1/8 of each side, in the bottom-right corner.
      const noiseW = Math.max(2, Math.round(width / 16) * 2);
      const noiseH = Math.max(2, Math.round(height / 16) * 2);
      // Moving bars plus a block of snow give the encoder real, changing work (a static or flat
      // pattern would make bitrate and latency figures meaningless); the clock shows the picture is live.
      return [
        `videotestsrc is-live=true pattern=smpte horizontal-speed=4 ! ${frame} ! mix.sink_0`,
        `videotestsrc is-live=true pattern=snow ! ${rawCaps(noiseW, noiseH, options.fps)} ! mix.sink_1`,
        `compositor name=mix sink_1::xpos=${width - noiseW} sink_1::ypos=${height - noiseH} ! ${frame}`,
        `! clockoverlay time-format="%H:%M:%S" font-desc="Sans 24" shaded-background=true`,
        `! timeoverlay halignment=right font-desc="Sans 24" shaded-background=true`,
      ].join(" ");
    }
    case "stamp":
      // Frames come from JavaScript with their capture time in the pixels (see StampSource).
      return `appsrc name=frames is-live=true do-timestamp=true format=time ` +
        `caps="${rawCaps(options.width || 1280, options.height || 720, options.fps)}"`;
    case "webcam":
      // decodebin takes MJPEG or raw from the camera; videorate/videoscale meet the requested caps.
      return [
        cameraElement(options.os, options.device),
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
      ].join(" ! ");
  }
}
