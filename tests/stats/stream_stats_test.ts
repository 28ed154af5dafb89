import { assertEquals } from "../support/assert.ts";
import { formatStatus, StreamStats } from "../../lib/stats/stream_stats.ts";

Deno.test("StreamStats reports fps, bitrate and loss per window", () => {
  let now = 0;
  const stats = new StreamStats(() => now);
  for (let i = 0; i < 30; i++) stats.frame(1280, 720);
  for (let i = 0; i < 99; i++) stats.traffic(1250, 1, 0);
  stats.traffic(1250, 1, 1);
  now = 1000;
  const snap = stats.snapshot();
  assertEquals([snap.fps, snap.mbps, snap.lost, snap.width, snap.height, snap.frames], [
    30,
    1,
    1,
    1280,
    720,
    30,
  ]);
  assertEquals(snap.lostPercent.toFixed(2), "0.99");
  assertEquals(
    formatStatus(snap, ["avdec_h264"]),
    "fps 30.0 | 1.00 Mbit/s | lost 1 (1.0%) | 1280x720 | frames 30 | avdec_h264",
  );
  now = 2000;
  assertEquals(stats.snapshot().fps, 0, "a new window starts empty");
});

Deno.test("formatStatus says when no video has arrived", () => {
  const stats = new StreamStats(() => 1000);
  assertEquals(formatStatus(stats.snapshot()).includes("no video yet"), true);
});
