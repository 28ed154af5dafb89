import { assert, assertEquals } from "../support/assert.ts";
import { LoopLag } from "../../lib/stats/loop_lag.ts";

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* hold the event loop */ }
}

Deno.test("LoopLag tells a saturated loop from a single long task", async () => {
  const lag = new LoopLag(10);
  try {
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(lag.sustainedLagMs < 10, true, "idle");
    block(80); // one long task
    await new Promise((r) => setTimeout(r, 30));
    assert(lag.lagMs >= 50, `the spike shows as lag (${lag.lagMs})`);
    assert(lag.sustainedLagMs < 30, `but not as sustained lag (${lag.sustainedLagMs})`);
    for (let i = 0; i < 12; i++) { // every turn of the loop busy for 40 ms
      block(40);
      await new Promise((r) => setTimeout(r, 0));
    }
    assert(lag.sustainedLagMs >= 20, `saturation shows as sustained lag (${lag.sustainedLagMs})`);
  } finally {
    lag.close();
  }
});
