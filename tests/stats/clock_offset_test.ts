import { assert, assertEquals } from "../support/assert.ts";
import { ClockOffset } from "../../lib/stats/clock_offset.ts";

/** Deterministic pseudo-random numbers (xorshift), so the simulation is repeatable. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % 100_000) / 100_000;
  };
}

Deno.test("ClockOffset converges on a simulated offset within its stated bound, despite asymmetric delay", () => {
  const trueOffset = 12_345.678; // remote − local, ms
  const next = random(7);
  const clock = new ClockOffset();
  let local = 1_000_000;
  for (let i = 0; i < 50; i++) {
    // Asymmetric, jittery paths: 0.2–6 ms out, 0.1–2 ms back, 0–1 ms remote processing.
    const out = 0.2 + next() * 5.8;
    const back = 0.1 + next() * 1.9;
    const processing = next();
    const t0 = local;
    const t1 = t0 + out + trueOffset;
    const t2 = t1 + processing;
    const t3 = t0 + out + processing + back;
    clock.add({ t0, t1, t2, t3 });
    local += 100;
  }
  const error = Math.abs(clock.offsetMs! - trueOffset);
  assert(error <= clock.boundMs!, `error ${error} within bound ${clock.boundMs}`);
  assert(clock.boundMs! < 2, `the best round trips are kept (bound ${clock.boundMs})`);
  assertEquals(clock.toLocal(trueOffset + 5000)! - 5000 < 2, true);
});

Deno.test("ClockOffset has no estimate before a sample", () => {
  const clock = new ClockOffset();
  assertEquals([clock.offsetMs, clock.boundMs, clock.toLocal(1)], [undefined, undefined, undefined]);
});
