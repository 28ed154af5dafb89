import { assertEquals } from "../support/assert.ts";
import { autoBitrateKbps, h264Level, profileLevelId } from "../../lib/media/h264.ts";

Deno.test("h264Level picks the lowest level that fits the frame size and rate", () => {
  assertEquals(h264Level(1280, 720, 30), 31);
  assertEquals(h264Level(1920, 1080, 30), 40);
  assertEquals(h264Level(1920, 1080, 60), 42);
  assertEquals(h264Level(3840, 2160, 30), 51);
  assertEquals(h264Level(3840, 2160, 60), 52);
  assertEquals(h264Level(640, 360, 30), 31);
});

Deno.test("profileLevelId encodes profile and level as SDP hex", () => {
  assertEquals(profileLevelId("constrained-baseline", 31), "42e01f");
  assertEquals(profileLevelId("high", 40), "640028");
});

Deno.test("autoBitrateKbps gives about 15 Mbit/s at 1080p30 and doubles for max quality", () => {
  assertEquals(autoBitrateKbps(1920, 1080, 30), 14930);
  assertEquals(autoBitrateKbps(1280, 720, 30), 6636);
  assertEquals(autoBitrateKbps(1920, 1080, 30, true), 29860);
  assertEquals(autoBitrateKbps(160, 120, 5), 500);
  assertEquals(autoBitrateKbps(7680, 4320, 240), 250000);
});
