/**
 * The server's side of discovery: a beacon every second to the broadcast address of each network
 * (loopback only when bound to loopback), and an immediate unicast answer to each query.
 */
import { type Beacon, decodeMessage, DiscoveryError, encodeMessage } from "./beacon.ts";
import { broadcastAddress, type InterfaceAddress, sameSubnet } from "./broadcast.ts";
import { log } from "../log.ts";

export interface AnnouncerOptions {
  /** The UDP port beacons go to and queries are read on. */
  port: number;
  /** The server's bind address: a loopback address keeps discovery on loopback. */
  host: string;
  /** The beacon as seen from the network of `address` (the URLs name that address). */
  beacon: (address: string) => Beacon;
  /** The machine's interfaces (Deno.networkInterfaces in real use). */
  interfaces: () => InterfaceAddress[];
  intervalMs?: number;
  signal?: AbortSignal;
}

const LOOPBACK: InterfaceAddress = { family: "IPv4", address: "127.0.0.1", netmask: "255.0.0.0" };

export class Announcer {
  #socket: Deno.DatagramConn;
  #timer: ReturnType<typeof setInterval>;
  #options: AnnouncerOptions;
  #closed = false;
  #loop: Promise<void>;
  beaconsSent = 0;
  queriesAnswered = 0;

  /** Binds the discovery port (shared with clients on this machine) and starts announcing. */
  constructor(options: AnnouncerOptions) {
    this.#options = options;
    // 0.0.0.0: broadcast queries only reach sockets bound to the wildcard address.
    this.#socket = Deno.listenDatagram({
      hostname: "0.0.0.0",
      port: options.port,
      transport: "udp",
      reuseAddress: true,
    });
    this.#timer = setInterval(() => void this.announce(), options.intervalMs ?? 1000);
    this.#loop = this.#answerQueries();
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
    void this.announce();
  }

  /** The networks beacons go to: each as [interface address, broadcast address]. */
  #networks(): InterfaceAddress[] {
    const host = this.#options.host;
    if (host.startsWith("127.") || host === "localhost") {
      return [{ ...LOOPBACK, address: host === "localhost" ? "127.0.0.1" : host }];
    }
    const v4 = this.#options.interfaces().filter((i) => i.family === "IPv4");
    if (host !== "0.0.0.0" && host !== "") return v4.filter((i) => i.address === host);
    return v4;
  }

  /** Sends one beacon to every network now. */
  async announce(): Promise<void> {
    for (const network of this.#networks()) {
      const target = broadcastAddress(network.address, network.netmask);
      await this.#send(this.#options.beacon(network.address), target, this.#options.port);
      this.beaconsSent++;
    }
  }

  async #send(beacon: Beacon, hostname: string, port: number): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#socket.send(encodeMessage(beacon), { transport: "udp", hostname, port });
    } catch (error) {
      log.debug(
        `Cannot send beacon to ${hostname}:${port}: ${error instanceof Error ? error.message : error}`,
      );
    }
  }

  async #answerQueries(): Promise<void> {
    while (!this.#closed) {
      let data: Uint8Array, from: Deno.Addr;
      try {
        [data, from] = await this.#socket.receive();
      } catch {
        return; // closed
      }
      const remote = from as Deno.NetAddr;
      try {
        const message = decodeMessage(data);
        if (message.type !== "query") continue;
        if (message.name !== undefined && message.name !== this.#options.beacon("127.0.0.1").name) continue;
        const network = this.#networks().find((n) =>
          n.address.startsWith("127.") ? remote.hostname.startsWith("127.") : sameSubnet(remote.hostname, n)
        );
        if (!network) continue;
        await this.#send(this.#options.beacon(network.address), remote.hostname, remote.port);
        this.queriesAnswered++;
      } catch (error) {
        if (error instanceof DiscoveryError) {
          log.debug(`Ignored datagram from ${remote.hostname}:${remote.port}: ${error.message}`);
        } else throw error;
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#socket.close();
    await this.#loop;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
