import { assertEquals } from "../support/assert.ts";
import { DamageTracker } from "../../lib/stats/damage.ts";

const FRAME = 33_333_333n;
const at = (n: number) => BigInt(n) * FRAME;

Deno.test("DamageTracker counts frames from a loss to the next keyframe as damaged", () => {
  const tracker = new DamageTracker();
  const marks = [
    { pts: at(0), discont: true, key: true }, // the stream starts at a keyframe
    { pts: at(5), discont: true, key: false }, // packets before frame 5 never arrived
    { pts: at(9), discont: false, key: true },
  ];
  for (const mark of marks) tracker.unit(mark);
  const damaged = [...Array(12)].map((_, i) => tracker.frame(at(i)));
  assertEquals(damaged, [false, false, false, false, false, true, true, true, true, false, false, false]);
  assertEquals([tracker.damaged, tracker.frames], [4, 12]);
});

Deno.test("DamageTracker carries a frame the decoder concealed to the frames after it", () => {
  const tracker = new DamageTracker();
  tracker.unit({ pts: at(0), discont: false, key: true });
  const damaged = [
    tracker.frame(at(0)),
    tracker.frame(at(1), true),
    tracker.frame(at(2)),
    tracker.frame(at(3)),
  ];
  tracker.unit({ pts: at(4), discont: false, key: true });
  damaged.push(tracker.frame(at(4)), tracker.frame(at(5)));
  assertEquals(damaged, [false, true, true, true, false, false]);
});

Deno.test("DamageTracker: units seen before their frames are decoded are matched by timestamp", () => {
  const tracker = new DamageTracker();
  tracker.unit({ pts: at(0), discont: false, key: true });
  tracker.unit({ pts: at(3), discont: true, key: false });
  // Frames 1 and 2 are decoded after the loss at frame 3 was seen by the parser: not damaged.
  assertEquals([tracker.frame(at(1)), tracker.frame(at(2)), tracker.frame(at(3))], [false, false, true]);
});
