import { assertEquals } from "../support/assert.ts";
import { CaptureTimes } from "../../lib/stats/capture_times.ts";

const NS_PER_TICK = 100_000n / 9n; // 1e9 / 90000 (11111 ns, truncated)

Deno.test("CaptureTimes maps decoded frames back to RTP time from the first keyframe, across drops", () => {
  const times = new CaptureTimes();
  times.clock.add({ t0: 1000, t1: 6000, t2: 6000, t3: 1000 }); // server clock is 5 s ahead, no delay
  const firstRtp = 4_294_960_000; // near the 32-bit wrap
  for (let i = 0; i < 10; i++) times.addCapture((firstRtp + i * 3000) >>> 0, 6_000_000 + i * 33.3);
  times.keyFrame(firstRtp);
  const base = 7_000_000_000n; // the decoder's PTS of the first keyframe (any value)
  const ptsOf = (i: number) => base + BigInt(i * 3000) * NS_PER_TICK;
  assertEquals(times.rtpOf(ptsOf(0)), firstRtp);
  // Frame 1 and 2 were dropped; frame 3 (after the wrap) still maps to its own capture time.
  const latency = times.latency(ptsOf(3), 6_000_000 + 3 * 33.3 - 5000 + 12);
  assertEquals(Math.round(latency!), 12);
  assertEquals(times.latency(undefined, 0), undefined);
});

Deno.test("CaptureTimes gives no figure before the keyframe or the clock is known", () => {
  const times = new CaptureTimes();
  times.addCapture(90_000, 1000);
  assertEquals(times.latency(1_000_000_000n, 2000), undefined);
  times.keyFrame(90_000);
  assertEquals(times.latency(1_000_000_000n, 2000), undefined, "no clock exchange yet");
});
