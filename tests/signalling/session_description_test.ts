import { assertEquals, assertThrows } from "../support/assert.ts";
import {
  encodeSessionDescription,
  parseSessionDescription,
  validateSdp,
} from "../../lib/signalling/session_description.ts";

export const OFFER_SDP = [
  "v=0",
  "o=- 1 1 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "c=IN IP4 0.0.0.0",
  "a=ice-ufrag:abcd",
  "a=ice-pwd:abcdefghijklmnopqrstuvwx",
  "a=fingerprint:sha-256 00:11",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1",
  "",
].join("\r\n");

Deno.test("parseSessionDescription accepts the original tool's JSON offer", () => {
  const text = JSON.stringify({ sdp: OFFER_SDP, type: "offer" });
  assertEquals(parseSessionDescription(text, "offer"), { type: "offer", sdp: OFFER_SDP });
  assertEquals(JSON.parse(encodeSessionDescription({ type: "answer", sdp: "v=0" })), {
    sdp: "v=0",
    type: "answer",
  });
});

Deno.test("parseSessionDescription rejects malformed bodies with a reason", () => {
  const cases: [string, RegExp][] = [
    ["not json", /Malformed JSON/],
    ["[1]", /Expected a JSON object/],
    [JSON.stringify({ type: "answer", sdp: OFFER_SDP }), /Expected "type":"offer", got "answer"/],
    [JSON.stringify({ type: "offer", sdp: 5 }), /"sdp" to be a string/],
    [JSON.stringify({ type: "offer", sdp: "hello" }), /must start with "v=0"/],
  ];
  for (const [text, pattern] of cases) assertThrows(() => parseSessionDescription(text, "offer"), pattern);
});

Deno.test("validateSdp requires video, ICE credentials and a DTLS fingerprint", () => {
  validateSdp(OFFER_SDP, "offer");
  assertThrows(() => validateSdp(OFFER_SDP.replace("m=video", "m=audio"), "offer"), /no video section/);
  assertThrows(
    () => validateSdp(OFFER_SDP.replace("a=ice-ufrag:abcd\r\n", ""), "offer"),
    /no ICE credentials/,
  );
  assertThrows(
    () => validateSdp(OFFER_SDP.replace(/a=fingerprint.*\r\n/, ""), "offer"),
    /no DTLS fingerprint/,
  );
  assertThrows(() => validateSdp(OFFER_SDP + "a=x\r\n".repeat(20000), "offer"), /larger than/);
});

Deno.test("encodeSessionDescription and parseSessionDescription carry the answer's id, engine and stamps", () => {
  const text = encodeSessionDescription({
    type: "answer",
    sdp: OFFER_SDP,
    id: "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11",
    engine: "gstreamer",
    stamps: true,
  });
  const parsed = parseSessionDescription(text, "answer");
  assertEquals([parsed.id, parsed.engine, parsed.stamps], [
    "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11",
    "gstreamer",
    true,
  ]);
  const odd = parseSessionDescription(
    JSON.stringify({ type: "answer", sdp: OFFER_SDP, stamps: "yes" }),
    "answer",
  );
  assertEquals(odd.stamps, undefined);
});
