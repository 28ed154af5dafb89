/**
 * Where the client's video comes from: with --auto, discovery decides (the beacon names the
 * transport); else the options do. Shared by the first connection and every reconnection.
 */
import type { ClientOptions } from "../cli/client_options.ts";
import { isMulticast, type RtpInput } from "../media/receiver.ts";
import { offerUrl, serverTraits } from "../signalling/offer_client.ts";
import { log } from "../log.ts";
import { DEFAULT_STREAM } from "../signalling/stream_name.ts";
import { broadcastTargets } from "./broadcast.ts";
import { findServer, NotFoundError } from "./browser.ts";

/** This machine's IPv4 interfaces (broadcast targets, host candidates). */
export function ipv4Interfaces(): Deno.NetworkInterfaceInfo[] {
  return Deno.networkInterfaces().filter((i) => i.family === "IPv4");
}

/**
 * Where the video comes from: a server's WebRTC offer URL, or a plain RTP stream and, when the
 * server's HTTP address is known, its origin for the clock exchange and keyframe requests.
 */
export type StreamSource =
  | { kind: "webrtc"; offerUrl: string }
  | { kind: "rtp"; input: RtpInput; control?: string; stamps: boolean };

/** With --auto, discovery decides (the beacon names the transport); else the options do. */
export async function locateStream(options: ClientOptions, signal: AbortSignal): Promise<StreamSource> {
  if (!options.auto) {
    if (options.transport === "rtp") {
      const control = options.host === undefined
        ? undefined
        : new URL(offerUrl(options.host, options.signalPort, options)).origin;
      return {
        kind: "rtp",
        input: {
          kind: "udp",
          address: options.rtpHost,
          port: options.rtpPort,
          multicastInterface: options.rtpInterface,
        },
        control,
        stamps: control !== undefined && (await serverTraits(control, { signal })).stamps,
      };
    }
    return { kind: "webrtc", offerUrl: offerUrl(options.host!, options.signalPort, options) };
  }
  const targets = options.discoveryAddresses ?? broadcastTargets(ipv4Interfaces());
  log.info(
    `Looking for rov-server${options.name ? ` "${options.name}"` : ""} (UDP ${options.discoveryPort})...`,
  );
  const found = await findServer({
    port: options.discoveryPort,
    targets,
    name: options.name,
    timeoutMs: options.discoveryTimeoutS * 1000,
    signal,
  });
  const b = found.beacon;
  // A server that sends both: WebRTC (each viewer its own session, loss repaired) unless --prefer rtp.
  const rtp = b.rtp && (options.prefer === "rtp" || !b.transports.includes("webrtc")) ? b.rtp : undefined;
  const via = rtp ? `RTP ${rtp.address}:${rtp.port}` : "WebRTC";
  log.info(
    `Found rov-server "${b.name}" at ${found.address}: ${b.width}x${b.height}@${b.fps} ${b.codec} over ${via}`,
  );
  if (options.stream !== undefined) {
    const names = b.streams?.map((s) => s.name) ?? [DEFAULT_STREAM];
    if (!names.includes(options.stream)) {
      throw new Error(
        `rov-server "${b.name}" has no stream "${options.stream}" (it has ${names.join(", ")})`,
      );
    }
  }
  if (!rtp) return { kind: "webrtc", offerUrl: b.urls.offer };
  // Unicast RTP is addressed to this machine: listen on every address; multicast: join the group.
  const address = isMulticast(rtp.address) ? rtp.address : "0.0.0.0";
  return {
    kind: "rtp",
    input: { kind: "udp", address, port: rtp.port, multicastInterface: options.rtpInterface },
    control: new URL(b.urls.status).origin,
    stamps: b.stamps === true,
  };
}

/**
 * The first server: found, or retried each second (saying why) until it is, unless --no-reconnect.
 */
export async function locateFirst(options: ClientOptions, signal: AbortSignal): Promise<StreamSource> {
  for (;;) {
    try {
      return await locateStream(options, signal);
    } catch (error) {
      if (!options.reconnect || signal.aborted || !(error instanceof NotFoundError)) throw error;
      log.info(`${error.message}: still looking`);
    }
  }
}
