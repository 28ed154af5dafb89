import { assert, assertEquals } from "../support/assert.ts";
import { StampSource } from "../../lib/media/stamp_source.ts";
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
