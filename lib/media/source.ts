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

/** The size of a synthetic source's frames: its own default when the size is native (0). */
export function syntheticSize(options: Pick<SourceOptions, "source" | "width" | "height">): [number, number] {
  if (options.width && options.height) return [options.width, options.height];
  return options.source === "test" ? [1920, 1080] : [1280, 720];
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
