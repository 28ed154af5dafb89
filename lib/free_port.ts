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

/** A free UDP port whose next port up is free too: RTP and its RTCP. */
export function freeRtpPort(): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const rtp = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
    const port = (rtp.addr as Deno.NetAddr).port;
    try {
      if (port >= 65535) continue;
      Deno.listenDatagram({ hostname: "127.0.0.1", port: port + 1, transport: "udp" }).close();
      return port;
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    } finally {
      rtp.close();
    }
  }
  throw new Error("Cannot find two free consecutive UDP ports on 127.0.0.1");
}
