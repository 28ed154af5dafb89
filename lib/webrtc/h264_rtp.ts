/** Reading H.264 RTP payloads (RFC 6184) just enough to find where a decoder can start. */

const SPS = 7;
const IDR = 5;
const STAP_A = 24;
const FU_A = 28;

/** Whether this RTP packet starts a keyframe: an SPS or IDR, alone, aggregated, or as a first fragment. */
export function startsKeyFrame(packet: Uint8Array): boolean {
  const csrcs = packet[0] & 0x0f;
  let offset = 12 + 4 * csrcs;
  if (packet[0] & 0x10) offset += 4 + 4 * ((packet[offset + 2] << 8) | packet[offset + 3]); // extension
  if (offset >= packet.byteLength) return false;
  const type = packet[offset] & 0x1f;
  if (type === SPS || type === IDR) return true;
  if (type === FU_A) return (packet[offset + 1] & 0x80) !== 0 && (packet[offset + 1] & 0x1f) === IDR;
  if (type === STAP_A) {
    for (let i = offset + 1; i + 2 < packet.byteLength;) {
      const size = (packet[i] << 8) | packet[i + 1];
      const nal = packet[i + 2] & 0x1f;
      if (nal === SPS || nal === IDR) return true;
      i += 2 + size;
    }
  }
  return false;
}
