/**
 * Where the MAVLink camera component talks (`--mavlink`), in the forms mavlink-router and
 * mavlink-camera-manager use: `udpout:HOST:PORT` (send to a ground station or router there),
 * `udpin:ADDR:PORT` (listen; answer whoever speaks), `serial:/dev/ttyACM0:115200`. Pure parsing,
 * then the link itself: datagrams or a serial device, bytes in and out.
 */
import { CliError } from "../cli/cli_error.ts";
import { osErrorReason } from "../os_error_reason.ts";

export type MavlinkEndpoint =
  | { kind: "udpout"; host: string; port: number }
  | { kind: "udpin"; host: string; port: number }
  | { kind: "serial"; path: string; baud: number };

const BAUDS = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 921600, 1000000, 1500000];

/** Parses a `--mavlink` value; a bad one is a CliError saying which forms there are. */
export function parseMavlinkEndpoint(spec: string): MavlinkEndpoint {
  const forms = "udpout:HOST:PORT, udpin:ADDR:PORT or serial:DEVICE:BAUD";
  const [kind, ...rest] = spec.split(":");
  if (kind === "udpout" || kind === "udpin") {
    const port = Number(rest.at(-1));
    const host = rest.slice(0, -1).join(":").replace(/^\[|\]$/g, "");
    if (rest.length < 2 || !host || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new CliError(
        `Invalid --mavlink "${spec}": ${kind} needs an address and a port, e.g. ${kind}:127.0.0.1:14550`,
      );
    }
    return { kind, host, port };
  }
  if (kind === "serial") {
    const baud = Number(rest.at(-1));
    const path = rest.slice(0, -1).join(":");
    if (rest.length < 2 || !path || !BAUDS.includes(baud)) {
      throw new CliError(
        `Invalid --mavlink "${spec}": serial needs a device and a baud rate, e.g. serial:/dev/ttyACM0:115200`,
      );
    }
    return { kind, path, baud };
  }
  throw new CliError(`Invalid --mavlink "${spec}": use ${forms}`);
}

/** The endpoint as it was written: "udpout:127.0.0.1:14550". */
export function mavlinkLabel(endpoint: MavlinkEndpoint): string {
  if (endpoint.kind === "serial") return `serial:${endpoint.path}:${endpoint.baud}`;
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.kind}:${host}:${endpoint.port}`;
}

/** A MAVLink link: bytes out to the peer, bytes in with where they came from. */
export interface MavlinkLink {
  send(bytes: Uint8Array): Promise<void>;
  /** Received bytes (`datagram`: one whole datagram); ends when the link closes. */
  receive(): AsyncIterable<{ bytes: Uint8Array; datagram: boolean }>;
  /** The peer's address, where known (udpout: always; udpin: once it has spoken). */
  readonly peer: string | undefined;
  close(): void;
}

/** Opens `endpoint`, binding UDP to `bindHost`; throws a one-line error when it cannot. */
export async function openMavlinkLink(endpoint: MavlinkEndpoint, bindHost: string): Promise<MavlinkLink> {
  if (endpoint.kind === "serial") return await serialLink(endpoint);
  const listen = endpoint.kind === "udpin"
    ? { hostname: endpoint.host, port: endpoint.port }
    : { hostname: bindHost, port: 0 };
  let socket: Deno.DatagramConn;
  try {
    socket = Deno.listenDatagram({ transport: "udp", ...listen });
  } catch (error) {
    throw new CliError(
      `Cannot open MAVLink UDP on ${listen.hostname}:${listen.port}: ${osErrorReason(error)}`,
    );
  }
  let target: Deno.NetAddr | undefined = endpoint.kind === "udpout"
    ? { transport: "udp", hostname: endpoint.host, port: endpoint.port }
    : undefined;
  return {
    get peer() {
      return target?.hostname;
    },
    async send(bytes) {
      if (target) await socket.send(bytes, target).catch(() => {}); // an unreachable peer is not an error
    },
    async *receive() {
      try {
        for await (const [bytes, from] of socket) {
          // udpin answers whoever spoke last, as mavlink-router does.
          if (endpoint.kind === "udpin") target = from as Deno.NetAddr;
          yield { bytes, datagram: true };
        }
      } catch {
        // closed
      }
    },
    close: () => socket.close(),
  };
}

async function serialLink(endpoint: Extract<MavlinkEndpoint, { kind: "serial" }>): Promise<MavlinkLink> {
  if (Deno.build.os === "windows") throw new CliError("--mavlink serial: is not supported on Windows yet");
  // Raw bytes at the baud rate: stty sets the line (Deno has no serial API).
  const flag = Deno.build.os === "darwin" ? "-f" : "-F";
  const stty = await new Deno.Command("stty", {
    args: [flag, endpoint.path, String(endpoint.baud), "raw", "-echo"],
    stderr: "piped",
  }).output().catch((error) => ({ success: false, stderr: new TextEncoder().encode(osErrorReason(error)) }));
  if (!stty.success) {
    const why = new TextDecoder().decode(stty.stderr).trim().split("\n")[0] || "stty failed";
    throw new CliError(`Cannot open MAVLink serial port ${endpoint.path}: ${why.replace(/^stty: /, "")}`);
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(endpoint.path, { read: true, write: true });
  } catch (error) {
    throw new CliError(`Cannot open MAVLink serial port ${endpoint.path}: ${osErrorReason(error)}`);
  }
  return {
    peer: undefined,
    async send(bytes) {
      await file.write(bytes).catch(() => {});
    },
    async *receive() {
      const buffer = new Uint8Array(1024);
      try {
        for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
          yield { bytes: buffer.slice(0, n), datagram: false };
        }
      } catch {
        // closed or unplugged
      }
    },
    close: () => {
      try {
        file.close();
      } catch {
        // closed already
      }
    },
  };
}
