import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { rtspFeedDescription, rtspMountDescription, rtspUrl } from "../../lib/media/rtsp_output.ts";

Deno.test("rtspFeedDescription sends the tee's access units as RTP to the loopback port, never blocking", () => {
  const feed = rtspFeedDescription(40000);
  assertMatch(feed, /^queue .*leaky=downstream ! rtph264pay .*config-interval=-1/);
  assertMatch(feed, /udpsink host=127\.0\.0\.1 port=40000 sync=false async=false$/);
});

Deno.test("rtspMountDescription reads that port and ends in gst-rtsp-server's pay0, in parentheses", () => {
  const mount = rtspMountDescription(40000);
  assertMatch(mount, /^\( udpsrc address=127\.0\.0\.1 port=40000 /);
  assertMatch(mount, /rtph264pay name=pay0 pt=96 .* \)$/);
  assert(!/enc\b/.test(mount), "no encoder: the H.264 passes as it is");
});

Deno.test("rtspUrl names the /video mount and brackets IPv6 literals", () => {
  assertEquals(rtspUrl("192.168.2.2", 8554), "rtsp://192.168.2.2:8554/video");
  assertEquals(rtspUrl("::1", 8554), "rtsp://[::1]:8554/video");
});
