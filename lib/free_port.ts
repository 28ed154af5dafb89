/** Ports that were free a moment ago: bound to port 0 on loopback, then released. */

export function freeUdpPort(): number {
  const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  const port = (socket.addr as Deno.NetAddr).port;
  socket.close();
  return port;
}

export function freeTcpPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
