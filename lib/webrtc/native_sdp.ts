/**
 * What webrtcbin is given: it answers exactly what it is offered, so the server shapes the offer
 * (the chosen H.264 format only, without its profile-level-id; the DTLS role).
 */
import { keepOnlyPayload, type OfferedH264 } from "./h264_codec.ts";

/**
 * The offer as webrtcbin should see it: only the chosen format, and without its profile-level-id.
 * webrtcbin answers with the intersection of the offered caps and its payloader's, and the stream's
 * exact profile-level-id (e.g. 42c01e for x264's constrained baseline) never equals the offered
 * string (42e01f): with it, the answer is `a=inactive`. The answer then carries the stream's own.
 */
export function offerForNativeAnswer(sdp: string, format: OfferedH264): string {
  const pt = format.payloadType;
  return keepOnlyPayload(sdp, pt).split("\r\n").map((line) => {
    if (line.startsWith(`a=fmtp:${pt} `)) {
      return line.replace(/;?profile-level-id=[0-9a-fA-F]{6}/, "").replace(`a=fmtp:${pt} ;`, `a=fmtp:${pt} `);
    }
    // webrtcbin answers an actpass offer as DTLS client; told the offerer is active, it answers
    // passive and is the DTLS server. As server, werift's slow JavaScript handshake met webrtcbin's
    // retransmitted flight, processed it twice and lost its SRTP keys: connected, but no media
    // (2 of 3 werift sessions here). The real offerer takes the passive answer as "be the client".
    return line === "a=setup:actpass" ? "a=setup:active" : line;
  }).join("\r\n");
}
