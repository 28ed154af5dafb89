/** Broadcast addresses from interface addresses. Pure. */

export interface InterfaceAddress {
  family: "IPv4" | "IPv6";
  address: string;
  netmask: string;
}

function toNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => (n << 8 >>> 0) + Number(part), 0) >>> 0;
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** The directed broadcast address of an IPv4 address and netmask (127.0.0.1/8 → 127.255.255.255). */
export function broadcastAddress(address: string, netmask: string): string {
  return toIp((toNumber(address) | (~toNumber(netmask) >>> 0)) >>> 0);
}

/** Whether `address` is inside the subnet of `iface`. */
export function sameSubnet(address: string, iface: InterfaceAddress): boolean {
  if (iface.family !== "IPv4" || !/^\d+\.\d+\.\d+\.\d+$/.test(address)) return false;
  const mask = toNumber(iface.netmask);
  return ((toNumber(address) & mask) >>> 0) === ((toNumber(iface.address) & mask) >>> 0);
}

/**
 * Where beacons and queries go: the broadcast address of every IPv4 interface (loopback included,
 * so a client on the same machine hears the server); only loopback's when bound to loopback.
 */
export function broadcastTargets(interfaces: InterfaceAddress[], loopbackOnly = false): string[] {
  const targets = interfaces
    .filter((i) => i.family === "IPv4" && (!loopbackOnly || i.address.startsWith("127.")))
    .map((i) => broadcastAddress(i.address, i.netmask));
  if (loopbackOnly && targets.length === 0) targets.push("127.255.255.255");
  return [...new Set(targets)];
}
