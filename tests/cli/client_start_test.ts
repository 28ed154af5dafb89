import { assert, assertEquals } from "../support/assert.ts";
import { parseClientOptions } from "../../lib/cli/client_options.ts";
import { startClient } from "../../lib/cli/client_start.ts";
import { dtlsCertificateSettled } from "../../lib/ffi/webrtc_bin.ts";

Deno.test("startClient chooses no WebRTC engine and imports nothing for --transport rtp", () => {
  const start = startClient(parseClientOptions(["--transport", "rtp"]));
  assertEquals([start.engine, start.werift], [undefined, undefined]);
});

Deno.test("startClient on the werift engine imports werift's client module", async () => {
  const start = startClient(parseClientOptions(["--auto", "--webrtc-engine", "werift"]));
  assertEquals(start.engine?.engine, "werift");
  const module = await start.werift!;
  assert(typeof module.WeriftViewing.connect === "function");
});

Deno.test("startClient on the gstreamer engine has the DTLS certificate made on another thread", async () => {
  const start = startClient(parseClientOptions(["--auto", "--webrtc-engine", "gstreamer"]));
  assertEquals([start.engine?.engine, start.werift], ["gstreamer", undefined]);
  let settled = false;
  const made = dtlsCertificateSettled().then(() => settled = true);
  // Making it (0.1–0.9 s of RSA) does not hold the event loop: a timer fires before it is made.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert(!settled, "the certificate was made on the event loop's thread");
  await made;
});
