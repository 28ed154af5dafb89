import { assertEquals } from "../support/assert.ts";
import { rtpSequence, SequenceTracker } from "../../lib/stats/sequence_tracker.ts";

Deno.test("SequenceTracker counts gaps as losses across the 16-bit wrap", () => {
  const t = new SequenceTracker();
  assertEquals([65533, 65534, 65535, 0, 1].map((s) => t.push(s)), [0, 0, 0, 0, 0]);
  assertEquals(t.push(4), 2);
  assertEquals([t.received, t.lost], [6, 2]);
});

Deno.test("SequenceTracker forgives a late packet and ignores duplicates", () => {
  const t = new SequenceTracker();
  t.push(10);
  t.push(12);
  assertEquals(t.lost, 1);
  assertEquals(t.push(11), 0);
  assertEquals(t.lost, 0);
  assertEquals(t.push(12), 0);
  assertEquals(t.lost, 0);
});

Deno.test("rtpSequence reads bytes 2 and 3", () => {
  assertEquals(rtpSequence(new Uint8Array([0x80, 96, 0x12, 0x34])), 0x1234);
});
