import { assertEquals, assertThrows } from "../support/assert.ts";
import { encodeRecordingRequest, parseRecordingRequest } from "../../lib/signalling/recording_request.ts";

Deno.test("parseRecordingRequest reads what encodeRecordingRequest writes", () => {
  assertEquals(parseRecordingRequest(encodeRecordingRequest(true)), true);
  assertEquals(parseRecordingRequest(encodeRecordingRequest(false)), false);
});

Deno.test("parseRecordingRequest refuses anything but a true or false recording, saying what to send", () => {
  assertThrows(() => parseRecordingRequest("on"), /not JSON: send \{"recording": true\} or false/);
  assertThrows(() => parseRecordingRequest("[]"), /needs "recording": true or false/);
  assertThrows(() => parseRecordingRequest('{"recording": 1}'), /needs "recording": true or false/);
});
