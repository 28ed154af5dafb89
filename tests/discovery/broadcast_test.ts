import { assert, assertEquals } from "../support/assert.ts";
import { broadcastAddress, broadcastTargets, sameSubnet } from "../../lib/discovery/broadcast.ts";

const lo = { family: "IPv4" as const, address: "127.0.0.1", netmask: "255.0.0.0" };
const lan = { family: "IPv4" as const, address: "192.168.2.1", netmask: "255.255.255.0" };
const v6 = { family: "IPv6" as const, address: "fe80::1", netmask: "ffff:ffff:ffff:ffff::" };

Deno.test("broadcastAddress sets the host bits of the address", () => {
  assertEquals(broadcastAddress("127.0.0.1", "255.0.0.0"), "127.255.255.255");
  assertEquals(broadcastAddress("192.168.2.1", "255.255.255.0"), "192.168.2.255");
  assertEquals(broadcastAddress("10.1.2.3", "255.255.240.0"), "10.1.15.255");
});

Deno.test("broadcastTargets covers every IPv4 network, or loopback only", () => {
  assertEquals(broadcastTargets([lo, lan, v6]), ["127.255.255.255", "192.168.2.255"]);
  assertEquals(broadcastTargets([lo, lan], true), ["127.255.255.255"]);
  assertEquals(broadcastTargets([lan], true), ["127.255.255.255"]);
});

Deno.test("sameSubnet matches addresses of the interface's network only", () => {
  assert(sameSubnet("192.168.2.77", lan));
  assert(!sameSubnet("192.168.3.1", lan));
  assert(!sameSubnet("fe80::2", lan));
});
