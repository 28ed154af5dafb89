/**
 * The client's side of discovery: asks at once (a query to every broadcast target) and listens for
 * the periodic beacons, returning the first server that matches.
 */
import {
  type Beacon,
  decodeMessage,
  DiscoveryError,
  encodeMessage,
  PROTOCOL_VERSION,
  SERVICE,
} from "./beacon.ts";

export interface FindOptions {
  /** The discovery port servers announce on. */
  port: number;
  /** Addresses queries are sent to (broadcast addresses, or a server's unicast address). */
  targets: string[];
  /** Only a server announcing this name. */
  name?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface FoundServer {
  beacon: Beacon;
  /** The address the beacon came from. */
  address: string;
}

/** No server answered within the timeout. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

const QUERY_INTERVAL_MS = 500;

/** The first server that answers a query or sends a beacon (of `name`, when given). */
export async function findServer(options: FindOptions): Promise<FoundServer> {
  const sockets: Deno.DatagramConn[] = [];
  // Answers to queries come back to this socket's own port.
  const querier = Deno.listenDatagram({ hostname: "0.0.0.0", port: 0, transport: "udp" });
  sockets.push(querier);
  try {
    // Beacons: the shared discovery port (reuseAddress lets a server and several clients share it).
    sockets.push(
      Deno.listenDatagram({ hostname: "0.0.0.0", port: options.port, transport: "udp", reuseAddress: true }),
    );
  } catch {
    // Port unavailable: queries alone still find servers.
  }
  const query = encodeMessage({
    type: "query",
    service: SERVICE,
    version: PROTOCOL_VERSION,
    name: options.name,
  });
  const ask = () => {
    for (const hostname of options.targets) {
      querier.send(query, { transport: "udp", hostname, port: options.port }).catch(() => {});
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asking: ReturnType<typeof setInterval> | undefined;
  const abort = new AbortController();
  try {
    const found = new Promise<FoundServer>((resolve, reject) => {
      timer = setTimeout(() => {
        const which = options.name ? ` named "${options.name}"` : "";
        reject(
          new NotFoundError(
            `No rov-server${which} found within ${
              options.timeoutMs / 1000
            } s on discovery port ${options.port}`,
          ),
        );
      }, options.timeoutMs);
      options.signal?.addEventListener("abort", () => reject(options.signal?.reason), { once: true });
      for (const socket of sockets) {
        void listen(socket, options.name, abort.signal).then((s) => s && resolve(s), () => {});
      }
    });
    ask();
    asking = setInterval(ask, QUERY_INTERVAL_MS);
    return await found;
  } finally {
    abort.abort();
    clearTimeout(timer);
    clearInterval(asking);
    for (const socket of sockets) socket.close();
  }
}

async function listen(
  socket: Deno.DatagramConn,
  name: string | undefined,
  signal: AbortSignal,
): Promise<FoundServer | undefined> {
  while (!signal.aborted) {
    const [data, from] = await socket.receive();
    try {
      const message = decodeMessage(data);
      if (message.type !== "beacon" || (name !== undefined && message.name !== name)) continue;
      return { beacon: message, address: (from as Deno.NetAddr).hostname };
    } catch (error) {
      if (!(error instanceof DiscoveryError)) throw error;
    }
  }
  return undefined;
}
