import { assertEquals, assertMatch } from "../support/assert.ts";
import { chooseEngine } from "../../lib/webrtc/engine.ts";

const all = { hasElement: () => true, librariesLoad: () => true };

Deno.test("chooseEngine auto takes gstreamer when webrtcbin, DTLS, SRTP and libnice are installed", () => {
  const decision = chooseEngine("auto", all);
  assertEquals(decision.engine, "gstreamer");
  assertEquals(decision.missing, []);
});

Deno.test("chooseEngine auto falls back to werift and names the package for a missing libnice", () => {
  const decision = chooseEngine("auto", { hasElement: (e) => e !== "nicesrc", librariesLoad: () => true });
  assertEquals(decision.engine, "werift");
  assertEquals(decision.missing, ["nicesrc"]);
  assertMatch(decision.reason, /libnice \(ICE\), not found; install gstreamer1\.0-nice/);
});

Deno.test("chooseEngine auto falls back to werift when libgstwebrtc does not load", () => {
  const decision = chooseEngine("auto", { hasElement: () => true, librariesLoad: () => false });
  assertEquals([decision.engine, decision.missing], ["werift", ["libgstwebrtc-1.0"]]);
});

Deno.test("chooseEngine honours an explicit werift, and reports what an explicit gstreamer lacks", () => {
  assertEquals(chooseEngine("werift", all).engine, "werift");
  const missing = chooseEngine("gstreamer", {
    hasElement: (e) => e !== "webrtcbin",
    librariesLoad: () => true,
  });
  assertEquals([missing.engine, missing.missing], ["werift", ["webrtcbin"]]);
  assertMatch(
    missing.unavailable ?? "",
    /^Cannot use --webrtc-engine gstreamer: webrtcbin needs webrtcbin, not found/,
  );
  assertEquals(
    chooseEngine("auto", { hasElement: (e) => e !== "webrtcbin", librariesLoad: () => true }).unavailable,
    undefined,
  );
});
