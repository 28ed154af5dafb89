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

/**
 * Retransmission (RFC 4588) for the H.264 codec listed just before it: werift numbers codecs in
 * order and gives an RTX codec `apt` = the previous payload type.
 */
export function rtxCodec(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({ mimeType: "video/rtx", clockRate: 90000 });
}
