import { assertEquals, assertThrows } from "../support/assert.ts";
import {
  type Beacon,
  decodeMessage,
  encodeMessage,
  PROTOCOL_VERSION,
  type Query,
  SERVICE,
} from "../../lib/discovery/beacon.ts";

export const BEACON: Beacon = {
  type: "beacon",
  service: SERVICE,
  version: PROTOCOL_VERSION,
  name: "bluerov",
  id: "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11",
  urls: {
    offer: "http://192.168.2.2:8080/offer",
    whep: "http://192.168.2.2:8080/whep",
    status: "http://192.168.2.2:8080/api/status",
  },
  transports: ["webrtc"],
  codec: "H264",
  width: 1920,
  height: 1080,
  fps: 30,
};

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

Deno.test("encodeMessage and decodeMessage round-trip a beacon and a query", () => {
  assertEquals(decodeMessage(encodeMessage(BEACON)), BEACON);
  assertEquals(decodeMessage(encodeMessage({ ...BEACON, stamps: true })), { ...BEACON, stamps: true });
  const withRtsp = { ...BEACON, urls: { ...BEACON.urls, rtsp: "rtsp://192.168.2.2:8554/video" } };
  assertEquals(decodeMessage(encodeMessage(withRtsp)), withRtsp);
  const query: Query = { type: "query", service: SERVICE, version: PROTOCOL_VERSION, name: "bluerov" };
  assertEquals(decodeMessage(encodeMessage(query)), query);
});

Deno.test("decodeMessage rejects foreign and malformed datagrams with a reason", () => {
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array([0xff, 0xfe, 0x00]), /not JSON/],
    [bytes([1, 2]), /not a JSON object/],
    [bytes({ service: "mavlink", version: 1, type: "beacon" }), /Not a rov-stream datagram/],
    [bytes({ ...BEACON, version: 2 }), /Unsupported discovery protocol version 2/],
    [bytes({ ...BEACON, type: "hello" }), /Unknown discovery message type "hello"/],
    [bytes({ ...BEACON, name: "" }), /"name" must be a non-empty string/],
    [bytes({ ...BEACON, stamps: "yes" }), /"stamps" must be true or false/],
    [
      bytes({ ...BEACON, urls: { ...BEACON.urls, offer: "ftp://x/offer" } }),
      /"urls.offer" must be an http\(s\) URL/,
    ],
    [
      bytes({ ...BEACON, urls: { ...BEACON.urls, rtsp: "http://x:8554/video" } }),
      /"urls.rtsp" must be an rtsp URL/,
    ],
    [bytes({ ...BEACON, urls: undefined }), /"urls" is missing/],
    [bytes({ ...BEACON, fps: "thirty" }), /"fps" must be a number/],
    [bytes({ ...BEACON, transports: "webrtc" }), /"transports" must be a list/],
    [new Uint8Array(4096), /too large/],
  ];
  for (const [data, pattern] of cases) assertThrows(() => decodeMessage(data), pattern);
});

Deno.test("decodeMessage reads a beacon's streams and refuses malformed ones", () => {
  const streams = [
    { ...BEACON, streams: undefined },
    {
      ...BEACON,
      streams: [
        { name: "video", width: 1920, height: 1080, fps: 30, whep: "http://192.168.2.2:8080/whep/video" },
        {
          name: "down",
          width: 1280,
          height: 720,
          fps: 30,
          whep: "http://192.168.2.2:8080/whep/down",
          rtsp: "rtsp://192.168.2.2:8554/down",
        },
      ],
    },
  ];
  for (const beacon of streams) {
    const { streams: list, ...rest } = beacon;
    const message = list ? { ...rest, streams: list } : rest;
    assertEquals(decodeMessage(encodeMessage(message as Beacon)), message);
  }
  const bad = (value: unknown) => bytes({ ...BEACON, streams: value });
  assertThrows(() => decodeMessage(bad([])), /"streams" must be a list of 1 to 8/);
  assertThrows(
    () => decodeMessage(bad([{ name: "Down!", width: 1, height: 1, fps: 1, whep: "http://a/" }])),
    /streams\[0\]\.name/,
  );
  assertThrows(
    () => decodeMessage(bad([{ name: "down", width: 1, height: 1, fps: 1, whep: "ftp://a/" }])),
    /streams\[0\]\.whep/,
  );
});
