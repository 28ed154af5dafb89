import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import {
  ClockExchangeError,
  encodeClockReply,
  parseClockReply,
} from "../../lib/signalling/clock_exchange.ts";

Deno.test("parseClockReply round-trips encodeClockReply", () => {
  const reply = { t1: 1_764_000_000_000.25, t2: 1_764_000_000_000.5 };
  assertEquals(parseClockReply(encodeClockReply(reply)), reply);
});

Deno.test("parseClockReply rejects malformed replies with a ClockExchangeError naming the fault", () => {
  const cases: [string, RegExp][] = [
    ["<html>", /not JSON/],
    ["null", /"t1" must be a positive number/],
    ['{"t1":"1","t2":2}', /"t1" must be a positive number/],
    ['{"t1":1,"t2":-2}', /"t2" must be a positive number/],
    ['{"t1":5,"t2":4}', /t2 before t1/],
    [`{"t1":1,"t2":2,"x":"${"a".repeat(300)}"}`, /too long/],
  ];
  for (const [text, pattern] of cases) {
    assertThrows(() => parseClockReply(text), pattern);
    try {
      parseClockReply(text);
    } catch (error) {
      assert(error instanceof ClockExchangeError, `${text}: ${error}`);
    }
  }
});
