import { assert, assertEquals } from "../support/assert.ts";
import { asksForKeyFrame } from "../../lib/media/rtcp_feedback.ts";

/** An RTCP packet: version 2, `format`, `type`, and `words` 32-bit words after the header. */
function rtcp(format: number, type: number, words: number): Uint8Array {
  const packet = new Uint8Array(4 + words * 4);
  packet[0] = 0x80 | format;
  packet[1] = type;
  packet[2] = words >> 8;
  packet[3] = words & 0xff;
  return packet;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

Deno.test("asksForKeyFrame finds a PLI and a FIR, alone or after a receiver report", () => {
  const pli = rtcp(1, 206, 2);
  const fir = rtcp(4, 206, 4);
  const receiverReport = rtcp(0, 201, 1);
  assert(asksForKeyFrame(pli));
  assert(asksForKeyFrame(fir));
  assert(asksForKeyFrame(concat(receiverReport, pli)));
});

Deno.test("asksForKeyFrame is false for other feedback, RTP, garbage and cut packets", () => {
  assertEquals(asksForKeyFrame(rtcp(0, 201, 1)), false, "a receiver report");
  assertEquals(asksForKeyFrame(rtcp(15, 206, 4)), false, "REMB (application layer feedback)");
  assertEquals(asksForKeyFrame(rtcp(1, 205, 3)), false, "a generic NACK");
  const rtp = new Uint8Array(20);
  rtp[0] = 0x80;
  rtp[1] = 96;
  assertEquals(asksForKeyFrame(rtp), false, "an RTP packet");
  assertEquals(asksForKeyFrame(new Uint8Array(0)), false, "nothing");
  assertEquals(asksForKeyFrame(new TextEncoder().encode("hello, keyframe please")), false);
  assertEquals(asksForKeyFrame(rtcp(1, 206, 2).subarray(0, 10)), false, "a PLI cut short");
  assertEquals(asksForKeyFrame(concat(rtcp(1, 206, 2), new Uint8Array([0x80]))), false, "a trailing byte");
  assertEquals(asksForKeyFrame(rtcp(1, 206, 1)), false, "a PLI without its media SSRC");
});
