import { assert, assertEquals } from "../support/assert.ts";
import { nextFrameDue, StampSource } from "../../lib/media/stamp_source.ts";
import { readStamp, unwrapStamp } from "../../lib/stats/pixel_stamp.ts";
import type { AppSrc } from "../../lib/ffi/app_src.ts";

/** The frames StampSource pushes, kept in memory (the real appsrc copies them into GStreamer). */
function frames(): { pushed: Uint8Array[]; source: AppSrc } {
  const pushed: Uint8Array[] = [];
  const source = { push: (data: Uint8Array) => (pushed.push(data.slice()), true) } as unknown as AppSrc;
  return { pushed, source };
}

Deno.test("StampSource stamps each frame with its capture time and changes the noise every frame", () => {
  const { pushed, source } = frames();
  const stamps = new StampSource(source, 320, 240);
  const before = Date.now();
  stamps.pushFrame();
  stamps.pushFrame();
  const stamp = readStamp(pushed[1], 320);
  assert(stamp !== undefined, "a readable stamp");
  assert(Math.abs(unwrapStamp(stamp, Date.now()) - before) < 1000);
  const lower = (f: Uint8Array) => f.subarray(320 * 200, 320 * 230);
  assert(lower(pushed[0]).some((v, i) => v !== lower(pushed[1])[i]), "the noise moves");
});

Deno.test("StampSource with a clock draws bright digits on a dark box in the lower right", () => {
  const { pushed, source } = frames();
  new StampSource(source, 640, 360, { clock: true }).pushFrame();
  new StampSource(source, 640, 360).pushFrame();
  const [clocked, plain] = pushed;
  // The box's rows near the bottom right: dark background and bright segments, unlike the noise.
  const row = 334; // through the bottom segments of the digits (scale 4 at 360 rows)
  const box = clocked.subarray(row * 640 + 300, row * 640 + 620);
  assert(box.filter((v) => v === 16).length > 20, "dark box");
  assert(box.filter((v) => v === 235).length > 4, "bright segments");
  assertEquals(plain.subarray(row * 640 + 300, row * 640 + 620).filter((v) => v === 16).length < 20, true);
});

Deno.test("nextFrameDue keeps frames on a fixed grid, follows a late one at once and skips after a stall", () => {
  const period = 1000 / 30;
  assertEquals(nextFrameDue(0, 2, period), period); // on time: one period on
  assertEquals(nextFrameDue(period, period + 3, period), 2 * period); // 3 ms late: the grid holds
  assertEquals(nextFrameDue(0, 50, period), period); // more than a frame late: the next one at once
  // A 200 ms stall: the five missed frames are skipped; the next is due now, then on the same grid.
  const after = nextFrameDue(0, 200, period);
  assertEquals(Math.round(after * 1000) / 1000, 200);
  assertEquals(
    Math.round(nextFrameDue(after, 201, period) * 1000) / 1000,
    Math.round(7 * period * 1000) / 1000,
  );
});

Deno.test("StampSource.start pushes frames at the rate asked, not at the timer's rounded one", async () => {
  const { pushed, source } = frames();
  const stamps = new StampSource(source, 64, 48);
  // 1000/150 ms is a fraction the timers round: setInterval gave ~157 frames a second here (and 29.5 at 30).
  stamps.start(150);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  stamps.stop();
  const count = pushed.length;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assertEquals(pushed.length, count, "nothing after stop()");
  assert(count >= 285 && count <= 301, `${count} frames in 2 s at 150 fps`);
});
