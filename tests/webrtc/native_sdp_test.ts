import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { withDataChannelsRejected, withoutDataChannels } from "../../lib/webrtc/native_sdp.ts";

const OFFER = [
  "v=0",
  "o=- 1 1 IN IP4 0.0.0.0",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=rtpmap:96 H264/90000",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "c=IN IP4 0.0.0.0",
  "a=mid:1",
  "a=sctp-port:5000",
  "",
].join("\r\n");

Deno.test("withoutDataChannels drops the data channel section and its mid from the BUNDLE group", () => {
  const native = withoutDataChannels(OFFER);
  assert(!native.includes("m=application"), native);
  assertMatch(native, /^a=group:BUNDLE 0$/m);
  assertMatch(native, /^m=video 9 /m);
  // An offer without a data channel is left as it is.
  assertEquals(withoutDataChannels(native), native);
});

Deno.test("withDataChannelsRejected answers each offered data channel with port 0, in the offer's order", () => {
  const answer = [
    "v=0",
    "o=- 2 2 IN IP4 0.0.0.0",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0",
    "m=video 9 UDP/TLS/RTP/SAVPF 96",
    "a=mid:0",
    "",
  ].join("\r\n");
  const full = withDataChannelsRejected(answer, OFFER);
  const media = full.split("\r\n").filter((line) => line.startsWith("m="));
  assertEquals(media, ["m=video 9 UDP/TLS/RTP/SAVPF 96", "m=application 0 UDP/DTLS/SCTP webrtc-datachannel"]);
  assertMatch(full, /m=application 0 .*\r\nc=IN IP4 0\.0\.0\.0\r\na=mid:1\r\na=sctp-port:5000\r\n$/);
  assertMatch(full, /^a=group:BUNDLE 0$/m);
  // A data channel offered first keeps its place.
  const first = OFFER.replace(/(m=video[\s\S]*?)(m=application[\s\S]*)$/, "$2$1");
  const reordered = withDataChannelsRejected(answer, first);
  assertEquals(reordered.split("\r\n").filter((line) => line.startsWith("m=")).map((m) => m.split(" ")[0]), [
    "m=application",
    "m=video",
  ]);
});
