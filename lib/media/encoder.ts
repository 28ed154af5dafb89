/** H.264 encoder choice and its low-latency settings. Pure functions over a registry check. */
import type { H264Profile } from "./h264.ts";

export type EncoderName = "x264" | "openh264";

export interface EncoderOptions {
  encoder: EncoderName;
  bitrateKbps: number;
  fps: number;
  lowLatency: boolean;
  maxQuality: boolean;
}

/** The GStreamer element behind each encoder name, in the order `auto` prefers them. */
export const ENCODER_ELEMENTS: Record<EncoderName, string> = {
  x264: "x264enc",
  openh264: "openh264enc",
};

/** The first encoder whose element is registered, or undefined. */
export function chooseEncoder(has: (element: string) => boolean): EncoderName | undefined {
  return (Object.keys(ENCODER_ELEMENTS) as EncoderName[]).find((name) => has(ENCODER_ELEMENTS[name]));
}

/** The profile the stream is sent in: baseline decodes everywhere; high when quality is asked for. */
export function encoderProfile(options: EncoderOptions): H264Profile {
  return options.maxQuality && options.encoder === "x264" ? "high" : "constrained-baseline";
}

/** The encoder element with its settings, followed by caps pinning the profile. */
export function encoderDescription(options: EncoderOptions): string {
  const gop = Math.max(1, Math.round(options.fps * 2)); // a keyframe every 2 s bounds recovery time
  const profile = encoderProfile(options);
  switch (options.encoder) {
    case "x264": {
      const settings = [
        "x264enc name=encoder",
        `bitrate=${options.bitrateKbps}`,
        `key-int-max=${gop}`,
        "bframes=0", // browsers and the depayloader want no reordering; B-frames add a frame of delay
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
      return `${settings.join(" ")} ! video/x-h264,profile=${profile}`;
    }
    case "openh264":
      return [
        "openh264enc name=encoder",
        `bitrate=${options.bitrateKbps * 1000}`,
        `gop-size=${gop}`,
        "rate-control=bitrate",
        "usage-type=camera",
        `complexity=${options.maxQuality ? "medium" : "low"}`,
        "multi-thread=0", // auto threads
      ].join(" ") + ` ! video/x-h264,profile=${profile}`;
  }
}
