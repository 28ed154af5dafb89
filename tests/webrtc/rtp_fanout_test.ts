import { assertEquals } from "../support/assert.ts";
import { RtpFanout, type RtpSink } from "../../lib/webrtc/rtp_fanout.ts";
import { startsKeyFrame } from "../../lib/webrtc/h264_rtp.ts";
import type { RtpPacket } from "werift";

/** An RTP packet whose payload starts with `nal` (and `second` after it). */
function rtp(sequence: number, nal: number, second = 0): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x80,
    96,
    sequence >> 8,
    sequence & 255,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    2,
    nal,
    second,
    0xaa,
    0xbb,
  ]);
}

class Sink implements RtpSink {
  received: number[] = [];
  ready = true;
  constructor(readonly id: string) {}
  send(packet: RtpPacket): void {
    this.received.push(packet.header.sequenceNumber);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("startsKeyFrame finds SPS, IDR, IDR fragments and aggregated SPS", () => {
  assertEquals(startsKeyFrame(rtp(1, 0x67)), true, "SPS");
  assertEquals(startsKeyFrame(rtp(1, 0x65)), true, "IDR slice");
  assertEquals(startsKeyFrame(rtp(1, 0x7c, 0x85)), true, "FU-A start of an IDR");
  assertEquals(startsKeyFrame(rtp(1, 0x7c, 0x05)), false, "FU-A middle of an IDR");
  assertEquals(startsKeyFrame(rtp(1, 0x7c, 0x81)), false, "FU-A start of a P slice");
  assertEquals(startsKeyFrame(rtp(1, 0x41)), false, "P slice");
  const stap = new Uint8Array([
    0x80,
    96,
    0,
    1,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    2,
    0x78,
    0,
    2,
    0x09,
    0x10,
    0,
    3,
    0x67,
    1,
    2,
  ]);
  assertEquals(startsKeyFrame(stap), true, "STAP-A with an SPS");
});

Deno.test("RtpFanout sends each packet to every ready viewer", () => {
  const fanout = new RtpFanout<Sink>();
  const [a, b, c] = [new Sink("a"), new Sink("b"), new Sink("c")];
  c.ready = false;
  for (const sink of [a, b, c]) fanout.add(sink);
  fanout.push(rtp(1, 0x67));
  fanout.push(rtp(2, 0x41));
  fanout.push(new Uint8Array([1, 2, 3]));
  assertEquals([a.received, b.received, c.received], [[1, 2], [1, 2], []]);
  fanout.remove("b");
  fanout.push(rtp(3, 0x41));
  assertEquals([a.received, b.received], [[1, 2, 3], [1, 2]]);
  assertEquals(fanout.packetsIn, 4);
});

Deno.test("RtpFanout pauses viewers while overloaded and resumes them at a keyframe", () => {
  let overloaded = false;
  let keyFrameRequests = 0;
  const fanout = new RtpFanout<Sink>({
    overloaded: () => overloaded,
    onKeyFrameNeeded: () => keyFrameRequests++,
  });
  const viewer = new Sink("v");
  fanout.add(viewer);
  fanout.push(rtp(1, 0x41));
  overloaded = true;
  fanout.push(rtp(2, 0x41));
  fanout.push(rtp(3, 0x67));
  assertEquals(fanout.isPaused("v"), true);
  assertEquals(keyFrameRequests, 0, "no keyframe while still overloaded");
  overloaded = false;
  fanout.push(rtp(4, 0x41));
  assertEquals(keyFrameRequests, 1, "room again: ask for a keyframe to resume on");
  fanout.push(rtp(5, 0x67));
  fanout.push(rtp(6, 0x65));
  assertEquals(viewer.received, [1, 5, 6], "nothing between the pause and the keyframe");
  assertEquals([fanout.pauses, fanout.packetsShed, fanout.isPaused("v")], [1, 3, false]);
});
