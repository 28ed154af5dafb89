/** H.264 in SDP, for both WebRTC engines: what a viewer offers and which format the answer takes. */
import type { H264Profile } from "../media/h264.ts";

/** An H.264 format a peer put in its SDP. */
export interface OfferedH264 {
  payloadType: number;
  profileLevelId?: string;
  packetizationMode: number;
}

/** Every H.264 format in the first video section of `sdp`. */
export function offeredH264(sdp: string): OfferedH264[] {
  const lines = sdp.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith("m=video"));
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && line.startsWith("m="));
  const section = lines.slice(start, end < 0 ? undefined : end);
  const formats: OfferedH264[] = [];
  for (const line of section) {
    const rtpmap = /^a=rtpmap:(\d+) H264\/90000/i.exec(line);
    if (!rtpmap) continue;
    const payloadType = Number(rtpmap[1]);
    const fmtp = section.find((l) => l.startsWith(`a=fmtp:${payloadType} `)) ?? "";
    const profile = /profile-level-id=([0-9a-fA-F]{6})/.exec(fmtp)?.[1]?.toLowerCase();
    const mode = Number(/packetization-mode=(\d)/.exec(fmtp)?.[1] ?? 0);
    formats.push({ payloadType, profileLevelId: profile, packetizationMode: mode });
  }
  return formats;
}

/** Profiles (profile_idc) whose decoders can decode a stream of `profile`. */
function decodes(profileIdc: number, constraints: number, profile: H264Profile): boolean {
  if (profile === "high") return profileIdc === 0x64;
  // Constrained baseline is decodable by baseline (with constraint_set1), main and high decoders.
  return profileIdc === 0x42 || profileIdc === 0x4d || profileIdc === 0x64 || (constraints & 0x40) !== 0;
}

/**
 * The offered format to answer with for a stream of `profile`: packetization mode 1, a profile that
 * decodes the stream, the exact profile first. Undefined when none fits.
 */
export function pickOffered(offered: OfferedH264[], profile: H264Profile): OfferedH264 | undefined {
  const usable = offered.filter((f) => {
    if (f.packetizationMode !== 1) return false;
    if (!f.profileLevelId) return profile === "constrained-baseline";
    const idc = parseInt(f.profileLevelId.slice(0, 2), 16);
    return decodes(idc, parseInt(f.profileLevelId.slice(2, 4), 16), profile);
  });
  const exact = profile === "high" ? "64" : "42e0";
  return usable.find((f) => f.profileLevelId?.startsWith(exact)) ?? usable[0];
}

/**
 * `sdp` with its video section narrowed to one payload type (and that type's RTX): werift answers
 * with the first offered H.264 format whatever its profile, so the chosen one is made the only one.
 */
export function keepOnlyPayload(sdp: string, payloadType: number): string {
  const lines = sdp.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith("m=video"));
  if (start < 0) return sdp;
  const endIndex = lines.findIndex((line, i) => i > start && line.startsWith("m="));
  const end = endIndex < 0 ? lines.length : endIndex;
  const section = lines.slice(start, end);
  const keep = new Set([payloadType]);
  for (const line of section) {
    const rtx = /^a=fmtp:(\d+) apt=(\d+)/.exec(line);
    if (rtx && Number(rtx[2]) === payloadType) keep.add(Number(rtx[1]));
  }
  const narrowed = section.flatMap((line, i) => {
    if (i === 0) {
      const [m, port, proto] = line.split(" ");
      return [`${m} ${port} ${proto} ${[...keep].join(" ")}`];
    }
    const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(line);
    return pt && !keep.has(Number(pt[1])) ? [] : [line];
  });
  return [...lines.slice(0, start), ...narrowed, ...lines.slice(end)].join("\r\n");
}

/** A viewer's offer could not be answered; the message says why (a 400 for signalling). */
export class OfferError extends Error {
  override name = "OfferError";
}

/**
 * The format both engines answer `offerSdp` with for a stream of `profile` (see `pickOffered`);
 * throws OfferError when the offer has none.
 */
export function answerFormat(offerSdp: string, profile: H264Profile): OfferedH264 {
  const chosen = pickOffered(offeredH264(offerSdp), profile);
  if (!chosen) {
    throw new OfferError(`Offer has no usable H.264 video (packetization-mode=1, ${profile} decodable)`);
  }
  return chosen;
}
