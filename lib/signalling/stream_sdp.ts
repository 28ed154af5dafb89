/** The SDP that describes the server's plain RTP stream, for ffplay, VLC, QGroundControl and ffmpeg. Pure. */

export interface RtpStream {
  /** Where the packets go: a multicast group or a unicast address. */
  address: string;
  port: number;
  /** Multicast TTL. */
  ttl: number;
  payloadType: number;
  /** The stream's profile-level-id (hex, e.g. 42e028). */
  profileLevelId: string;
  /** The server's own address, for the origin line. */
  origin: string;
  name: string;
}

function isMulticast(address: string): boolean {
  const first = Number(address.split(".")[0]);
  return first >= 224 && first <= 239;
}

export function streamSdp(stream: RtpStream): string {
  const connection = isMulticast(stream.address) ? `${stream.address}/${stream.ttl}` : stream.address;
  return [
    "v=0",
    `o=- 0 0 IN IP4 ${stream.origin}`,
    `s=${stream.name.replace(/[\r\n]/g, " ")}`,
    `c=IN IP4 ${connection}`,
    "t=0 0",
    "a=tool:rov-stream",
    "a=recvonly",
    `m=video ${stream.port} RTP/AVP ${stream.payloadType}`,
    `a=rtpmap:${stream.payloadType} H264/90000`,
    // SPS/PPS travel in-band before every keyframe, so no sprop-parameter-sets are needed.
    `a=fmtp:${stream.payloadType} packetization-mode=1;profile-level-id=${stream.profileLevelId}`,
    "",
  ].join("\r\n");
}
