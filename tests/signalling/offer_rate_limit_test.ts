import { assertEquals } from "../support/assert.ts";
import { OfferRateLimit } from "../../lib/signalling/offer_rate_limit.ts";

Deno.test("OfferRateLimit lets a burst through, then one offer per refill, per address", () => {
  let now = 0;
  const limit = new OfferRateLimit({ burst: 3, perSecond: 2, now: () => now });
  assertEquals([limit.take("a"), limit.take("a"), limit.take("a")], [0, 0, 0]);
  assertEquals(limit.take("a"), 1); // the fourth waits
  assertEquals(limit.take("b"), 0); // another address has its own bucket
  now = 500; // half a second: one offer regained
  assertEquals(limit.take("a"), 0);
  assertEquals(limit.take("a"), 1);
  now = 10_000; // never more than the burst saved up
  assertEquals([limit.take("a"), limit.take("a"), limit.take("a"), limit.take("a")], [0, 0, 0, 1]);
});

Deno.test("OfferRateLimit forgets the least recently seen address past its size", () => {
  const limit = new OfferRateLimit({ burst: 1, perSecond: 1, maxAddresses: 2, now: () => 0 });
  limit.take("a");
  limit.take("b");
  limit.take("c");
  assertEquals(limit.size, 2);
  assertEquals(limit.take("a"), 0); // forgotten: a full bucket again
  assertEquals(limit.take("c"), 1);
});
