import { assertEquals } from "../support/assert.ts";
import { parseRtspAnswer, sdpVideoEncoding } from "../../lib/media/rtsp_describe.ts";

// What cameras answer to DESCRIBE (shapes from gst-rtsp-server and common IP cameras).
const H264_CAMERA = [
  "v=0",
  "o=- 1 1 IN IP4 192.168.2.10",
  "s=Session streamed with GStreamer",
  "t=0 0",
  "m=audio 0 RTP/AVP 8",
  "a=rtpmap:8 PCMA/8000",
  "m=video 0 RTP/AVP 96",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1;profile-level-id=42c01f",
  "a=control:stream=0",
].join("\r\n");

Deno.test("sdpVideoEncoding names the first video section's encoding, static payload types too", () => {
  assertEquals(sdpVideoEncoding(H264_CAMERA), "H264");
  assertEquals(sdpVideoEncoding(H264_CAMERA.replace("H264/90000", "H265/90000")), "H265");
  assertEquals(sdpVideoEncoding("v=0\nm=video 0 RTP/AVP 26\na=control:track1\n"), "JPEG");
  assertEquals(sdpVideoEncoding("v=0\r\nm=audio 0 RTP/AVP 0\r\n"), undefined);
});

Deno.test("parseRtspAnswer waits for the whole body and reads the status", () => {
  const body = H264_CAMERA + "\r\n";
  const answer =
    `RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n`;
  assertEquals(parseRtspAnswer(answer + body.slice(0, 20)), undefined);
  assertEquals(parseRtspAnswer(answer + body), { status: 200, body });
  assertEquals(parseRtspAnswer("RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n\r\n"), { status: 401, body: "" });
  assertEquals(parseRtspAnswer("HTTP/1.1 200 OK\r\n\r\n"), undefined);
});
