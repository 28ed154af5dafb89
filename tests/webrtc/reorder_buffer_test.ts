import { assertEquals } from "../support/assert.ts";
import { ReorderBuffer } from "../../lib/webrtc/reorder_buffer.ts";
import { rtpSequence } from "../../lib/stats/sequence_tracker.ts";

function packet(sequence: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(12);
  bytes[0] = 0x80;
  bytes[2] = sequence >> 8;
  bytes[3] = sequence & 0xff;
  return bytes;
}

function buffer(waitMs: number) {
  const out: number[] = [];
  let gaveUp = 0;
  const reorder = new ReorderBuffer(waitMs, (p) => out.push(rtpSequence(p)), { onGiveUp: () => gaveUp++ });
  return { reorder, out, gaveUp: () => gaveUp };
}

Deno.test("ReorderBuffer passes packets in order at once", () => {
  const { reorder, out } = buffer(40);
  for (const s of [10, 11, 12]) reorder.push(packet(s), 0);
  assertEquals(out, [10, 11, 12]);
  reorder.close();
});

Deno.test("ReorderBuffer holds packets behind a gap until the retransmission fills it", () => {
  const { reorder, out, gaveUp } = buffer(40);
  reorder.push(packet(10), 0);
  reorder.push(packet(12), 1);
  reorder.push(packet(13), 2);
  assertEquals(out, [10]);
  reorder.push(packet(11), 5); // the retransmission
  assertEquals(out, [10, 11, 12, 13]);
  assertEquals(gaveUp(), 0);
  reorder.close();
});

Deno.test("ReorderBuffer gives a gap up after its wait and drops the retransmission that comes later", () => {
  const { reorder, out, gaveUp } = buffer(40);
  reorder.push(packet(10), 0);
  reorder.push(packet(12), 1);
  reorder.push(packet(14), 2);
  reorder.expire(30);
  assertEquals(out, [10]);
  reorder.expire(41);
  assertEquals(out, [10, 12], "the second gap waits from its own packet's arrival");
  reorder.expire(43);
  assertEquals(out, [10, 12, 14]);
  assertEquals(gaveUp(), 2);
  reorder.push(packet(11), 50);
  assertEquals(out, [10, 12, 14]);
  assertEquals(reorder.late, 1);
  reorder.close();
});

Deno.test("ReorderBuffer follows sequence numbers across the wrap", () => {
  const { reorder, out } = buffer(40);
  reorder.push(packet(65534), 0);
  reorder.push(packet(0), 1);
  reorder.push(packet(65535), 2);
  reorder.push(packet(1), 3);
  assertEquals(out, [65534, 65535, 0, 1]);
  reorder.close();
});

Deno.test("ReorderBuffer with no wait passes every packet as it comes", () => {
  const { reorder, out } = buffer(0);
  for (const s of [10, 12, 11]) reorder.push(packet(s), 0);
  assertEquals(out, [10, 12, 11]);
});

Deno.test("ReorderBuffer gives up a gap on its own timer", async () => {
  const { reorder, out } = buffer(20);
  reorder.push(packet(1));
  reorder.push(packet(3));
  await new Promise((resolve) => setTimeout(resolve, 60));
  assertEquals(out, [1, 3]);
  reorder.close();
});
