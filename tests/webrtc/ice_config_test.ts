import { assertEquals } from "../support/assert.ts";
import { peerConfig } from "../../lib/webrtc/ice_config.ts";
import {
  hostAddresses,
  pairableCandidates,
  PUBLIC_STUN,
  samePlaceOnly,
} from "../../lib/webrtc/ice_policy.ts";

const interfaces = [
  { family: "IPv4" as const, address: "127.0.0.1", netmask: "255.0.0.0" },
  { family: "IPv4" as const, address: "192.168.2.2", netmask: "255.255.255.0" },
  { family: "IPv6" as const, address: "::1", netmask: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
];

Deno.test("hostAddresses offers only the bound address when there is one", () => {
  assertEquals(hostAddresses("127.0.0.1", interfaces), ["127.0.0.1"]);
  assertEquals(hostAddresses("localhost", interfaces), ["127.0.0.1"]);
  assertEquals(hostAddresses("192.168.2.2", interfaces), ["192.168.2.2"]);
});

Deno.test("hostAddresses offers every IPv4 address, LAN before loopback, when bound to all", () => {
  assertEquals(hostAddresses("0.0.0.0", interfaces), ["192.168.2.2", "127.0.0.1"]);
});

Deno.test("peerConfig has no ICE server unless STUN is asked for", () => {
  assertEquals(peerConfig({ addresses: ["127.0.0.1"], stun: false }).iceServers, []);
  assertEquals(peerConfig({ addresses: ["127.0.0.1"], stun: true }).iceServers, [{ urls: PUBLIC_STUN }]);
  const config = peerConfig({ addresses: ["127.0.0.1"], stun: false });
  assertEquals([config.iceUseIpv4, config.iceUseIpv6, config.iceAdditionalHostAddresses], [false, false, [
    "127.0.0.1",
  ]]);
  assertEquals(config.iceInterfaceAddresses, { udp4: "127.0.0.1" });
  assertEquals(
    peerConfig({ addresses: ["192.168.2.2", "127.0.0.1"], stun: false }).iceInterfaceAddresses,
    undefined,
  );
});

Deno.test("samePlaceOnly pairs loopback with loopback and LAN with LAN", () => {
  const pair = (local: string, remote: string) => ({
    localCandidate: { host: local },
    remoteCandidate: { host: remote },
  });
  assertEquals(samePlaceOnly(pair("127.0.0.1", "127.0.0.1")), true);
  assertEquals(samePlaceOnly(pair("192.168.2.2", "192.168.2.1")), true);
  assertEquals(samePlaceOnly(pair("127.0.0.1", "192.168.2.1")), false);
  assertEquals(samePlaceOnly(pair("192.168.2.2", "127.0.0.1")), false);
});

Deno.test("pairableCandidates drops remote candidates a loopback-only agent could never pair with", () => {
  const sdp = [
    "v=0",
    "a=candidate:1 1 UDP 2122260223 192.168.1.20 50000 typ host",
    "a=candidate:2 1 UDP 2122260223 127.0.0.1 50001 typ host",
    "",
  ].join("\r\n");
  const kept = pairableCandidates(sdp, ["127.0.0.1"]).split("\r\n").filter((l) =>
    l.startsWith("a=candidate")
  );
  assertEquals(kept, ["a=candidate:2 1 UDP 2122260223 127.0.0.1 50001 typ host"]);
});
