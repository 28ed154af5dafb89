import { assertEquals } from "../support/assert.ts";
import { keepOnlyPayload, offeredH264, pickOffered } from "../../lib/webrtc/h264_codec.ts";
import { offerForNativeAnswer } from "../../lib/webrtc/native_sdp.ts";
import { h264Codec } from "../../lib/webrtc/werift_h264.ts";

const CHROMIUM_LIKE = [
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=rtpmap:111 opus/48000/2",
  "m=video 9 UDP/TLS/RTP/SAVPF 96 102 104 106 108 112",
  "a=rtpmap:96 VP8/90000",
  "a=rtpmap:102 H264/90000",
  "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
  "a=rtpmap:104 H264/90000",
  "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f",
  "a=rtpmap:106 H264/90000",
  "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
  "a=rtpmap:108 H264/90000",
  "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f",
  "a=rtpmap:112 H264/90000",
  "a=fmtp:112 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f",
].join("\r\n");

Deno.test("offeredH264 lists the H.264 formats of the video section", () => {
  assertEquals(
    offeredH264(CHROMIUM_LIKE).map((f) => [f.payloadType, f.profileLevelId, f.packetizationMode]),
    [
      [102, "42001f", 1],
      [104, "42e01f", 0],
      [106, "42e01f", 1],
      [108, "4d001f", 1],
      [112, "64001f", 1],
    ],
  );
  assertEquals(offeredH264("v=0\r\nm=audio 9 RTP 0"), []);
});

Deno.test("pickOffered takes the exact profile with packetization mode 1", () => {
  assertEquals(pickOffered(offeredH264(CHROMIUM_LIKE), "constrained-baseline")?.payloadType, 106);
  assertEquals(pickOffered(offeredH264(CHROMIUM_LIKE), "high")?.payloadType, 112);
});

Deno.test("pickOffered falls back to a profile that decodes the stream, or none", () => {
  const mainOnly = offeredH264(CHROMIUM_LIKE).filter((f) => f.payloadType === 108);
  assertEquals(pickOffered(mainOnly, "constrained-baseline")?.payloadType, 108);
  assertEquals(pickOffered(mainOnly, "high"), undefined);
  const modeZero = offeredH264(CHROMIUM_LIKE).filter((f) => f.payloadType === 104);
  assertEquals(pickOffered(modeZero, "constrained-baseline"), undefined);
});

Deno.test("h264Codec asks for NACK, PLI and FIR feedback", () => {
  const codec = h264Codec("42e028");
  assertEquals(codec.parameters, "profile-level-id=42e028;packetization-mode=1;level-asymmetry-allowed=1");
  assertEquals(codec.rtcpFeedback.map((f) => `${f.type} ${f.parameter ?? ""}`.trim()), [
    "nack",
    "nack pli",
    "ccm fir",
    "goog-remb",
  ]);
});

Deno.test("keepOnlyPayload narrows the video section to the chosen format and its RTX", () => {
  const sdp = CHROMIUM_LIKE.replace(
    "a=rtpmap:106 H264/90000",
    "a=rtpmap:106 H264/90000\r\na=rtcp-fb:106 nack pli\r\na=rtpmap:107 rtx/90000\r\na=fmtp:107 apt=106",
  )
    .replace(
      "m=video 9 UDP/TLS/RTP/SAVPF 96 102 104 106 108 112",
      "m=video 9 UDP/TLS/RTP/SAVPF 96 102 104 106 107 108 112",
    );
  const narrowed = keepOnlyPayload(sdp, 106);
  const video = narrowed.slice(narrowed.indexOf("m=video"));
  assertEquals(video.split("\r\n")[0], "m=video 9 UDP/TLS/RTP/SAVPF 106 107");
  assertEquals(offeredH264(narrowed).map((f) => f.payloadType), [106]);
  assertEquals(video.includes("a=rtcp-fb:106 nack pli"), true);
  assertEquals(video.includes("VP8"), false);
  assertEquals(narrowed.includes("a=rtpmap:111 opus/48000/2"), true, "other sections are untouched");
});

Deno.test("offerForNativeAnswer keeps only the chosen format and drops its profile-level-id", () => {
  const offer = [
    "v=0",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 packetization-mode=1;profile-level-id=42e034",
    "a=rtpmap:97 H264/90000",
    "a=fmtp:97 packetization-mode=1;profile-level-id=640034",
    "",
  ].join("\r\n");
  const out = offerForNativeAnswer(offer, {
    payloadType: 96,
    packetizationMode: 1,
    profileLevelId: "42e034",
  });
  assertEquals(out.split("\r\n").filter((l: string) => l.startsWith("a=fmtp")), [
    "a=fmtp:96 packetization-mode=1",
  ]);
  assertEquals(out.includes("97"), false);
});
