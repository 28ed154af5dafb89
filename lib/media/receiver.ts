/** The client's pipeline: RTP in → jitter buffer → depayload → decode → display and a frame tap. Pure. */
import type { HostOs } from "../ffi/library_path.ts";
import { RTP_PAYLOAD_TYPE } from "./sender.ts";

export type DecoderName = "avdec" | "openh264";

export const DECODER_ELEMENTS: Record<DecoderName, string> = {
  avdec: "avdec_h264",
  openh264: "openh264dec",
};

export const RECEIVER_APPSRC = "rtp";
export const FRAMES_APPSINK = "frames";

export interface ReceiverOptions {
  decoder: DecoderName;
  /** rtpjitterbuffer latency in ms: 0 passes packets on at once. */
  latencyMs: number;
  lowLatency: boolean;
  /** The video sink element, or undefined for no window (headless). */
  sink?: string;
}

/** The first decoder whose element is registered. */
export function chooseDecoder(has: (element: string) => boolean): DecoderName | undefined {
  return (Object.keys(DECODER_ELEMENTS) as DecoderName[]).find((name) => has(DECODER_ELEMENTS[name]));
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

function decoderElement(options: ReceiverOptions): string {
  if (options.decoder === "avdec") {
    // Frame threading holds (threads − 1) frames; slice threading decodes each frame as it arrives.
    return options.lowLatency ? "avdec_h264 name=decoder thread-type=slice" : "avdec_h264 name=decoder";
  }
  return "openh264dec name=decoder";
}

export function receiverDescription(options: ReceiverOptions): string {
  const rtpCaps =
    `application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=${RTP_PAYLOAD_TYPE}`;
  const head = [
    // do-timestamp stamps arrival time, which the jitter buffer uses; is-live keeps it from prerolling.
    `appsrc name=${RECEIVER_APPSRC} is-live=true do-timestamp=true format=time caps="${rtpCaps}"`,
    `rtpjitterbuffer latency=${options.latencyMs} drop-on-latency=${options.lowLatency}`,
    "rtph264depay",
    "h264parse",
    decoderElement(options),
  ].join(" ! ");
  // The frame tap counts frames and reads their size; it never holds the display back.
  const tap =
    `appsink name=${FRAMES_APPSINK} sync=false async=false max-buffers=60 drop=true enable-last-sample=false`;
  if (!options.sink) return `${head} ! ${tap}`;
  // sync=false in low-latency mode: a frame is shown the moment it is decoded.
  const sync = options.lowLatency ? "sync=false" : "sync=true";
  const leaky = "queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream";
  return `${head} ! tee name=split split. ! ${leaky} ! ${tap} split. ! ${leaky} ! videoconvert ! ` +
    `${options.sink} name=display ${sync}`;
}
