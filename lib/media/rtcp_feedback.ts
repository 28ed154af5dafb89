/**
 * RTCP feedback as a relay sends it back (RFC 3550 compound packets, RFC 4585 payload-specific
 * feedback): whether a datagram asks the sender for a keyframe. Anything that is not well-formed
 * RTCP is not a request: a stray or garbled datagram never makes a keyframe.
 */

/** RTCP packet type of payload-specific feedback (RFC 4585 6.1). */
const PSFB = 206;
/** Its formats that ask for a keyframe: Picture Loss Indication, and Full Intra Request (RFC 5104). */
const PLI = 1;
const FIR = 4;
/** The fixed header: version/format, type, length in 32-bit words minus one. */
const HEADER_BYTES = 4;

/** Whether `datagram` is a compound RTCP packet holding a PLI or a FIR. */
export function asksForKeyFrame(datagram: Uint8Array): boolean {
  let offset = 0;
  let asks = false;
  while (offset + HEADER_BYTES <= datagram.length) {
    const first = datagram[offset];
    if (first >> 6 !== 2) return false; // not RTP version 2: not RTCP at all
    const type = datagram[offset + 1];
    // Every RTCP packet type lies in 192..223 (RFC 5761 4): an RTP packet here is not feedback.
    if (type < 192 || type > 223) return false;
    const bytes = (((datagram[offset + 2] << 8) | datagram[offset + 3]) + 1) * 4;
    if (offset + bytes > datagram.length) return false; // cut short: trust none of it
    const format = first & 0x1f;
    // A PLI is the 12-byte header with the sender's and the media source's SSRC; a FIR adds entries.
    if (type === PSFB && (format === PLI || format === FIR) && bytes >= 12) asks = true;
    offset += bytes;
  }
  return asks && offset === datagram.length;
}
