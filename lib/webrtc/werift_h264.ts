/** H.264 codec parameters for werift peer connections. */
import { RTCRtpCodecParameters } from "werift";

/** werift codec parameters for H.264 with NACK, PLI and FIR feedback, packetization mode 1. */
export function h264Codec(profileLevelId: string): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: "video/H264",
    clockRate: 90000,
    rtcpFeedback: [
      { type: "nack" },
      { type: "nack", parameter: "pli" },
      { type: "ccm", parameter: "fir" },
      { type: "goog-remb" },
    ],
    parameters: `profile-level-id=${profileLevelId};packetization-mode=1;level-asymmetry-allowed=1`,
  });
}
