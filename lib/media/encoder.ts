/**
 * H.264 encoders: which elements each name stands for, the order `auto` tries them in, and the
 * low-latency settings of each. Pure: the registry is an argument, so selection is tested anywhere.
 */
import { h264Level, type H264Profile } from "./h264.ts";

export type EncoderName = "nvenc" | "vaapi" | "v4l2" | "x264" | "openh264";
export const ENCODER_NAMES: readonly EncoderName[] = ["nvenc", "vaapi", "v4l2", "x264", "openh264"];

/** Elements per encoder, in the order tried: desktop NVENC, then Jetson; VA (new), then VA-API (old). */
export const ENCODER_ELEMENTS: Record<EncoderName, readonly string[]> = {
  nvenc: ["nvh264enc", "nvv4l2h264enc"],
  vaapi: ["vah264enc", "vaapih264enc"],
  v4l2: ["v4l2h264enc"],
  x264: ["x264enc"],
  openh264: ["openh264enc"],
};

/** Hardware encoders register even where they cannot run (no driver, no device): they get a trial. */
export const HARDWARE_ENCODERS: readonly EncoderName[] = ["nvenc", "vaapi", "v4l2"];

export interface EncoderOptions {
  /** The element to use (one of ENCODER_ELEMENTS). */
  element: string;
  bitrateKbps: number;
  fps: number;
  width: number;
  height: number;
  lowLatency: boolean;
  maxQuality: boolean;
}

/** The encoder name an element belongs to. */
export function encoderOf(element: string): EncoderName | undefined {
  return ENCODER_NAMES.find((name) => ENCODER_ELEMENTS[name].includes(element));
}

/** The profile the stream is sent in: constrained baseline decodes everywhere; High for quality. */
export function encoderProfile(options: Pick<EncoderOptions, "element" | "maxQuality">): H264Profile {
  return options.maxQuality && options.element === "x264enc" ? "high" : "constrained-baseline";
}

/** The encoder with its low-latency settings, ending in caps that pin the profile. */
export function encoderDescription(options: EncoderOptions): string {
  const gop = Math.max(1, Math.round(options.fps * 2)); // a keyframe every 2 s bounds recovery time
  const kbps = options.bitrateKbps;
  const profile = `video/x-h264,profile=${encoderProfile(options)}`;
  switch (options.element) {
    case "x264enc": {
      const settings = [
        "x264enc name=encoder",
        `bitrate=${kbps}`,
        `key-int-max=${gop}`,
        "bframes=0",
        "byte-stream=true",
      ];
      if (options.lowLatency) {
        // zerolatency: no lookahead, no frame threads (sliced threads instead): a frame leaves as
        // soon as it is encoded. A VBV of ~3 frames keeps packet bursts (and queueing delay) short.
        settings.push("tune=zerolatency", `vbv-buf-capacity=${Math.round(3000 / options.fps)}`);
        settings.push(`speed-preset=${options.maxQuality ? "veryfast" : "ultrafast"}`);
      } else {
        settings.push("rc-lookahead=10", `speed-preset=${options.maxQuality ? "faster" : "superfast"}`);
      }
      return `${settings.join(" ")} ! ${profile}`;
    }
    case "openh264enc":
      return `openh264enc name=encoder bitrate=${kbps * 1000} gop-size=${gop} rate-control=bitrate ` +
        `usage-type=camera complexity=${options.maxQuality ? "medium" : "low"} multi-thread=0 ! ${profile}`;
    case "nvh264enc":
      // Low-latency preset, constant bitrate, no B-frames, zero-latency mode (no reordering delay).
      return `nvh264enc name=encoder preset=${options.maxQuality ? "low-latency-hq" : "low-latency-hp"} ` +
        `rc-mode=cbr bitrate=${kbps} gop-size=${gop} bframes=0 zerolatency=true ! ${profile}`;
    case "nvv4l2h264enc":
      // Jetson: frames move to NVMM memory; CBR, SPS/PPS with every IDR, max clocks.
      return `nvvidconv ! video/x-raw(memory:NVMM),format=NV12 ! nvv4l2h264enc name=encoder ` +
        `bitrate=${kbps * 1000} control-rate=1 iframeinterval=${gop} idrinterval=${gop} ` +
        `insert-sps-pps=true maxperf-enable=true preset-level=1 ! video/x-h264,stream-format=byte-stream`;
    case "vah264enc":
      return `vah264enc name=encoder rate-control=cbr bitrate=${kbps} key-int-max=${gop} b-frames=0 ` +
        `target-usage=${options.maxQuality ? 4 : 7} ! ${profile}`;
    case "vaapih264enc":
      return `vaapih264enc name=encoder rate-control=cbr bitrate=${kbps} keyframe-period=${gop} ` +
        `max-bframes=0 ! ${profile}`;
    case "v4l2h264enc": {
      // Raspberry Pi: SPS/PPS repeated with each IDR; the level caps are required by its driver.
      const level = h264Level(options.width || 1920, options.height || 1080, options.fps);
      const controls = `controls,video_bitrate=${
        kbps * 1000
      },h264_i_frame_period=${gop},repeat_sequence_header=1`;
      return `v4l2h264enc name=encoder extra-controls="${controls}" ! ` +
        `video/x-h264,level=(string)${Math.floor(level / 10)}.${level % 10},profile=constrained-baseline`;
    }
    default:
      throw new Error(`Unknown H.264 encoder element "${options.element}"`);
  }
}
