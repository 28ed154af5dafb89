import { assertEquals } from "../support/assert.ts";
import { KeyFrameLimiter } from "../../lib/media/key_frame_limiter.ts";

Deno.test("KeyFrameLimiter sends the first request at once and folds a burst into one deferred request", async () => {
  let now = 0;
  let sent = 0;
  const limiter = new KeyFrameLimiter(() => sent++, { intervalMs: 50, now: () => now });
  limiter.request();
  assertEquals(sent, 1);
  now = 10;
  limiter.request();
  limiter.request();
  limiter.request();
  assertEquals(sent, 1, "inside the interval: deferred");
  now = 60;
  await new Promise((r) => setTimeout(r, 80));
  assertEquals(sent, 2, "the deferred request fired once");
  now = 200;
  limiter.request();
  assertEquals(sent, 3);
  assertEquals([limiter.requested, limiter.sent], [5, 3], "it counts what it received and what it sent");
  limiter.close();
});
