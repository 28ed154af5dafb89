import { assertEquals, assertThrows } from "../support/assert.ts";
import { decodeTelemetry, encodeTelemetry, type Telemetry } from "../../lib/signalling/telemetry.ts";

Deno.test("encodeTelemetry and decodeTelemetry round-trip every message", () => {
  const messages: Telemetry[] = [
    { t: "frame", rtp: 4_000_000_000, capture: 1_764_000_000_123.25 },
    { t: "ping", c0: 1.5 },
    { t: "pong", c0: 1.5, s1: 2.25, s2: 2.5 },
    { t: "latency", p50: 9.5, p95: 14, offsetBoundMs: 0.4 },
    {
      t: "latency",
      p50: 9.5,
      p95: 14,
      frames: 900,
      damaged: 12,
      freezes: 2,
      frozenMs: 310,
      longestFreezeMs: 180,
    },
  ];
  for (const message of messages) assertEquals(decodeTelemetry(encodeTelemetry(message)), message);
});

Deno.test("decodeTelemetry rejects malformed messages with a reason", () => {
  const cases: [string, RegExp][] = [
    ["{", /not JSON/],
    ["null", /not an object/],
    ['{"t":"frame","rtp":"x","capture":1}', /"rtp" must be a number/],
    ['{"t":"pong","c0":1,"s1":2}', /"s2" must be a number/],
    ['{"t":"hello"}', /Unknown telemetry message type "hello"/],
    ['{"t":"latency","p50":1,"p95":2,"damaged":"many"}', /"damaged" must be a number/],
    [`{"t":"ping","c0":1,"pad":"${"x".repeat(2000)}"}`, /too long/],
  ];
  for (const [text, pattern] of cases) assertThrows(() => decodeTelemetry(text), pattern);
});
