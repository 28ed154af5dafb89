import { assert, assertEquals } from "./support/assert.ts";
import { ntpToUnixMs, wallClockMs } from "../lib/wall_clock.ts";

Deno.test("ntpToUnixMs turns ns since 1900 into Unix ms", () => {
  assertEquals(ntpToUnixMs(2_208_988_800_000_000_000n), 0);
  assertEquals(ntpToUnixMs(2_208_988_800_000_000_000n + 1_764_000_000_123_500_000n), 1_764_000_000_123.5);
});

Deno.test("wallClockMs follows Date.now with sub-millisecond steps", () => {
  assert(Math.abs(wallClockMs() - Date.now()) < 50);
});
