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
  return withoutDataChannels(keepOnlyPayload(sdp, pt)).split("\r\n").map((line) => {
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

/** An SDP as its session part and its media sections, each a list of lines. */
function sections(sdp: string): { session: string[]; media: string[][] } {
  const lines = sdp.split(/\r?\n/).filter((line) => line.length > 0);
  const first = lines.findIndex((line) => line.startsWith("m="));
  const session = first < 0 ? lines : lines.slice(0, first);
  const media: string[][] = [];
  for (const line of first < 0 ? [] : lines.slice(first)) {
    if (line.startsWith("m=")) media.push([line]);
    else media.at(-1)!.push(line);
  }
  return { session, media };
}

function joined(session: string[], media: string[][]): string {
  return [...session, ...media.flat()].join("\r\n") + "\r\n";
}

const isDataChannel = (section: string[]) => section[0].startsWith("m=application");
const midOf = (section: string[]) => section.find((line) => line.startsWith("a=mid:"))?.slice(6);

/**
 * The offer without its data channel sections (m=application), so webrtcbin runs no SCTP for the
 * viewer (see `withDataChannelsRejected` for the answer). The server sends nothing on a data channel,
 * and GStreamer 1.22's SCTP elements crashed the server now and then as viewers left: a SIGSEGV in an
 * sctp task, about once in 700–1,500 sessions that opened a data channel (werift does; many browser
 * pages do). webrtcbin answers an offered section with port 0 as if it were open, so it is removed.
 */
export function withoutDataChannels(sdp: string): string {
  const { session, media } = sections(sdp);
  if (!media.some(isDataChannel)) return sdp;
  const dropped = new Set(media.filter(isDataChannel).map(midOf));
  const kept = session.map((line) => {
    if (!line.startsWith("a=group:BUNDLE")) return line;
    const [group, ...mids] = line.split(" ");
    return [group, ...mids.filter((mid) => !dropped.has(mid))].join(" ");
  });
  return joined(kept, media.filter((section) => !isDataChannel(section)));
}

/**
 * webrtcbin's answer to an offer stripped by `withoutDataChannels`, with each data channel section of
 * the viewer's `offer` answered rejected in its place (port 0, RFC 3264 6): the answer has as many
 * sections as the offer, in its order.
 */
export function withDataChannelsRejected(answer: string, offer: string): string {
  const offered = sections(offer).media;
  if (!offered.some(isDataChannel)) return answer;
  const { session, media } = sections(answer);
  const answered = [...media];
  const all = offered.map((section) => {
    if (!isDataChannel(section)) return answered.shift() ?? [];
    const [, , proto, ...formats] = section[0].split(" ");
    const mid = midOf(section);
    return [
      `m=application 0 ${proto} ${formats.join(" ")}`,
      "c=IN IP4 0.0.0.0",
      ...(mid === undefined ? [] : [`a=mid:${mid}`]),
      // werift reads the port even of a rejected section (and throws without it).
      ...section.filter((line) => line.startsWith("a=sctp-port:")),
    ];
  });
  return joined(session, [...all, ...answered].filter((section) => section.length > 0));
}
