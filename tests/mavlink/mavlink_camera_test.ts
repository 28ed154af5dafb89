import { assertEquals } from "../support/assert.ts";
import { addressFacing, videoStreamInformation } from "../../lib/mavlink/mavlink_camera.ts";

const INTERFACES = [
  { address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4" },
  { address: "192.168.2.2", netmask: "255.255.255.0", family: "IPv4" },
  { address: "10.0.5.7", netmask: "255.255.0.0", family: "IPv4" },
];

Deno.test("addressFacing picks this machine's address on the ground station's network", () => {
  assertEquals(addressFacing("192.168.2.1", INTERFACES, "x"), "192.168.2.2");
  assertEquals(addressFacing("10.0.200.1", INTERFACES, "x"), "10.0.5.7");
  assertEquals(addressFacing("127.0.0.1", INTERFACES, "x"), "127.0.0.1");
  assertEquals(addressFacing("172.16.0.1", INTERFACES, "fallback"), "fallback");
  assertEquals(addressFacing(undefined, INTERFACES, "fallback"), "fallback");
});

Deno.test("videoStreamInformation describes an RTSP stream as running H.264 with its size, rate and bitrate", () => {
  const info = videoStreamInformation(
    {
      name: "video",
      uri: "rtsp://192.168.2.2:8554/video",
      width: 1920,
      height: 1080,
      fps: 30,
      bitrateKbps: 15000,
    },
    1,
    2,
  );
  assertEquals([info.streamId, info.count, info.type, info.flags, info.encoding], [1, 2, 0, 1, 1]);
  assertEquals([info.resolutionH, info.resolutionV, info.framerate, info.bitrate], [
    1920,
    1080,
    30,
    15_000_000,
  ]);
  assertEquals(info.uri, "rtsp://192.168.2.2:8554/video");
  const udp = videoStreamInformation(
    { name: "video", uri: "udp://239.255.0.1:5004", width: 1, height: 1, fps: 1, bitrateKbps: 1 },
    1,
    1,
  );
  assertEquals(udp.type, 1, "VIDEO_STREAM_TYPE_RTPUDP");
});
