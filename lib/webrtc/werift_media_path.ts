/**
 * When a werift peer connection's media can flow: ICE and DTLS done, SRTP keyed. werift's own
 * `connectionState` says "connected" only once SCTP has connected too, where a data channel was
 * negotiated (the telemetry channel): under 2 % loss a lost SCTP INIT held it back for seconds
 * (werift resends it after its RTO), while the video already could have flowed. Server and client
 * both wait on this instead, so the picture does not wait for the telemetry channel.
 *
 * It also puts DTLS handshake messages in order for werift (HandshakeOrder: werift 0.25 mishandles
 * repeated and missing ones under loss), and hands werift the DTLS records that came before it made
 * its DTLS socket, which it dropped: a peer whose ICE finished first (libnice, a browser) sent its
 * ClientHello into nothing and resent it a second later (OpenSSL's first timeout), so every
 * gstreamer-engine viewer of a werift server took ~1.07 s to connect instead of ~0.1 s.
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

/** The werift internals that early records are caught and replayed through (checked at run time). */
interface EarlySource {
  iceTransport?: {
    connection?: { onData?: { subscribe(fn: (data: Uint8Array) => void): { unSubscribe(): void } } };
  };
  dtls?: { transport?: { socket?: { onData?: (data: Uint8Array) => void } } };
}
/** Records kept for a socket not made yet: a handshake's first flight is a few. */
const MAX_EARLY_RECORDS = 16;

/** A DTLS record (RFC 7983: its first byte is 20–63), not STUN, RTP or RTCP. */
function isDtlsRecord(data: Uint8Array): boolean {
  return data.length > 0 && data[0] >= 20 && data[0] <= 63;
}

/** Keeps what reaches the ICE connection before werift has made its DTLS socket; `replay` hands it on. */
function keepEarlyRecords(transport: RTCDtlsTransport): { replay(): void } {
  const source = transport as unknown as EarlySource;
  const early: Uint8Array[] = [];
  const subscription = source.iceTransport?.connection?.onData?.subscribe((data) => {
    if (source.dtls === undefined && isDtlsRecord(data) && early.length < MAX_EARLY_RECORDS) early.push(data);
  });
  return {
    replay() {
      subscription?.unSubscribe();
      const hear = source.dtls?.transport?.socket?.onData;
      if (early.length > 0 && typeof hear === "function") {
        log.debug(`DTLS: ${early.length} record(s) that came before werift's socket handed to it`);
        for (const record of early.splice(0)) hear(record);
      }
    },
  };
}

function guardHandshakes(transport: RTCDtlsTransport, early: { replay(): void }): void {
  // werift makes its DtlsSocket right after saying "connecting", before any handshake arrives.
  queueMicrotask(() => {
    const socket: unknown = (transport as unknown as { dtls?: unknown }).dtls;
    if (isHandshakeSocket(socket)) orderHandshakes(socket);
    else log.debug("DTLS: werift's handshake internals have changed; its messages are not put in order");
    early.replay();
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
      const early = keepEarlyRecords(transport);
      transport.onStateChange.subscribe((state) => {
        if (state === "connecting") guardHandshakes(transport, early);
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
