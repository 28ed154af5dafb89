import { assertEquals } from "../support/assert.ts";
import { RtpViewers } from "../../lib/signalling/rtp_viewers.ts";

Deno.test("RtpViewers keeps each viewer's latest report and forgets it 5 s after it stops", () => {
  let now = 1000;
  const viewers = new RtpViewers({ now: () => now });
  viewers.report("a", { p50: 9, p95: 12 });
  viewers.report("b", { p50: 10, p95: 14, offsetBoundMs: 0.4 });
  now += 1000;
  viewers.report("a", { p50: 8, p95: 11 });
  assertEquals(viewers.current().map((v) => [v.id, v.latency.p50]), [["b", 10], ["a", 8]]);
  now += 4500;
  assertEquals(viewers.current().map((v) => v.id), ["a"]);
  now += 1000;
  assertEquals(viewers.current(), []);
});

Deno.test("RtpViewers stays bounded however many ids report", () => {
  const viewers = new RtpViewers();
  for (let i = 0; i < 1000; i++) viewers.report(`id-${i}`, { p50: 1, p95: 2 });
  assertEquals(viewers.current().length, 256);
  assertEquals(viewers.current().at(-1)?.id, "id-999");
});
