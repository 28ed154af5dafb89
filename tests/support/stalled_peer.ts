/** A WebRTC offer from a peer that never completes its handshake. */

/**
 * An H.264 receive-only offer whose one candidate is 127.0.0.1:`port`, where nothing answers: the
 * answerer's ICE checks go unanswered, and its transport waits for a DTLS handshake that never
 * comes, until the answerer gives the viewer up.
 */
export function stalledOffer(port: number): string {
  const fingerprint = Array.from({ length: 32 }, (_, i) => (i * 7 % 256).toString(16).padStart(2, "0"))
    .join(":").toUpperCase();
  return [
    "v=0",
    "o=- 1 1 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0",
    "m=video 9 UDP/TLS/RTP/SAVPF 102",
    "c=IN IP4 127.0.0.1",
    "a=ice-ufrag:stal",
    "a=ice-pwd:stalledstalledstalled0",
    `a=fingerprint:sha-256 ${fingerprint}`,
    "a=setup:actpass",
    "a=mid:0",
    "a=recvonly",
    "a=rtcp-mux",
    "a=rtpmap:102 H264/90000",
    "a=rtcp-fb:102 nack pli",
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    `a=candidate:1 1 UDP 2122260223 127.0.0.1 ${port} typ host`,
    "a=end-of-candidates",
    "",
  ].join("\r\n");
}
