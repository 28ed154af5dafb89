/**
 * When a werift peer connection's media can flow: ICE and DTLS done, SRTP keyed. werift's own
 * `connectionState` says "connected" only once SCTP has connected too, where a data channel was
 * negotiated (the telemetry channel): under 2 % loss a lost SCTP INIT held it back for seconds
 * (werift resends it after its RTO), while the video already could have flowed. Server and client
 * both wait on this instead, so the picture does not wait for the telemetry channel.
 *
 * It also puts DTLS handshake messages in order for werift (HandshakeOrder: werift 0.25 mishandles
 * repeated and missing ones under loss).
 */
import type { RTCDtlsTransport, RTCPeerConnection } from "werift";
import { log } from "../log.ts";
import { type HandshakeHeader, HandshakeOrder } from "./handshake_order.ts";

/** The werift DtlsSocket internals the ordering relies on (checked at run time). */
interface HandshakeSocket {
  sessionType: number;
  onHandleHandshakes: (assembled: HandshakeHeader[]) => Promise<void>;
}
const SERVER_SESSION = 2; // werift's SessionType.SERVER

function isHandshakeSocket(value: unknown): value is HandshakeSocket {
  const socket = value as Partial<HandshakeSocket> | undefined;
  return typeof socket?.onHandleHandshakes === "function" && typeof socket.sessionType === "number";
}

/** Lets werift's socket handle its handshake messages only in order, each once. */
function orderHandshakes(socket: HandshakeSocket): void {
  const order = new HandshakeOrder(socket.sessionType === SERVER_SESSION ? "server" : "client");
  const handle = socket.onHandleHandshakes;
  socket.onHandleHandshakes = (assembled) => {
    const dropped = order.dropped;
    const ready = assembled.flatMap((handshake) => order.accept(handshake));
    if (order.dropped > dropped) {
      log.debug(`DTLS: dropped ${order.dropped - dropped} repeated handshake message(s)`);
    }
    return handle.call(socket, ready);
  };
}

function guardHandshakes(transport: RTCDtlsTransport): void {
  // werift makes its DtlsSocket right after saying "connecting", before any handshake arrives.
  queueMicrotask(() => {
    const socket: unknown = (transport as unknown as { dtls?: unknown }).dtls;
    if (isHandshakeSocket(socket)) orderHandshakes(socket);
    else log.debug("DTLS: werift's handshake internals have changed; its messages are not put in order");
  });
}

/**
 * Calls `onState` with werift's connection states, except that "connected" comes as soon as a DTLS
 * transport is connected (and is not repeated when werift says so later).
 */
export function watchMediaPath(pc: RTCPeerConnection, onState: (state: string) => void): void {
  let last = "new";
  const tell = (state: string) => {
    if (state === last) return;
    // Once media flows, werift's own "connecting" (SCTP still opening) is no news.
    if (last === "connected" && (state === "connecting" || state === "new")) return;
    last = state;
    onState(state);
  };
  const watched = new Set<unknown>();
  const watchTransports = () => {
    for (const transport of pc.dtlsTransports) {
      if (watched.has(transport)) continue;
      watched.add(transport);
      if (transport.state === "connected") tell("connected");
      transport.onStateChange.subscribe((state) => {
        if (state === "connecting") guardHandshakes(transport);
        if (state === "connected") tell("connected");
      });
    }
  };
  pc.connectionStateChange.subscribe((state) => {
    // The DTLS transports exist once werift starts connecting.
    watchTransports();
    tell(state);
  });
}
