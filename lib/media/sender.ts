/** The server's one pipeline: source → encoder (once) → RTP payloader → appsink. Pure. */
import { sourceDescription, type SourceOptions } from "./source.ts";
import { encoderDescription, type EncoderOptions } from "./encoder.ts";

export const RTP_PAYLOAD_TYPE = 96;
/** RTP payload size: leaves room for SRTP, UDP, IP and TURN/VPN overhead under a 1500-byte MTU. */
export const RTP_MTU = 1200;
export const SENDER_APPSINK = "rtp";

export type SenderOptions = SourceOptions & Omit<EncoderOptions, "fps">;

export function senderDescription(options: SenderOptions): string {
  const queue = options.lowLatency
    // One frame of slack, dropping the oldest: if encoding falls behind, frames are skipped
    // instead of building up seconds of delay.
    ? "queue max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream"
    : "queue max-size-buffers=30 max-size-bytes=0 max-size-time=0";
  return [
    sourceDescription(options),
    queue,
    "videoconvert",
    encoderDescription(options),
    // SPS/PPS before every keyframe so a viewer can start at any keyframe; zero-latency
    // aggregation never holds NAL units back waiting for more.
    `rtph264pay name=pay pt=${RTP_PAYLOAD_TYPE} mtu=${RTP_MTU} config-interval=-1 aggregate-mode=zero-latency`,
    // sync=false: packets go out the moment they exist; the source already paces them.
    `appsink name=${SENDER_APPSINK} sync=false async=false max-buffers=5000 drop=true enable-last-sample=false`,
  ].join(" ! ");
}
