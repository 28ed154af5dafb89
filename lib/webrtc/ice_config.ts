/**
 * ICE configuration for an ROV tether: host candidates only from the addresses we choose, and no
 * STUN unless the user asks for it. werift falls back to Google's public STUN server whenever no
 * STUN server is configured; `disableDefaultStun()` removes that fallback.
 */
import { Connection, type PeerConfig, RTCDtlsTransport } from "werift";

/** The public STUN server used only with `--stun`. */
export const PUBLIC_STUN = "stun:stun.l.google.com:19302";

let stunPatched = false;

/**
 * Makes werift's ICE agent use no STUN server when none is configured (instead of Google's).
 * Idempotent; called by `peerConfig` so every peer connection built here is covered.
 */
export function disableDefaultStun(): void {
  if (stunPatched) return;
  stunPatched = true;
  const proto = Connection.prototype as unknown as {
    applyStunTurnServersFromOptions(this: { options: { stunServer?: unknown }; stunServer?: unknown }): void;
  };
  const original = proto.applyStunTurnServersFromOptions;
  proto.applyStunTurnServersFromOptions = function () {
    original.call(this);
    if (this.options.stunServer === undefined) this.stunServer = undefined;
  };
}

/**
 * Starts making this process's DTLS certificate now (werift makes one ECDSA certificate per process
 * and reuses it), so the first connection does not wait for it. Safe to call more than once.
 */
export function prepareCertificate(): Promise<unknown> {
  return RTCDtlsTransport.SetupCertificate();
}

export interface NetworkInterfaceLike {
  family: "IPv4" | "IPv6";
  address: string;
  netmask: string;
}

export function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

export function isLoopback(host: string): boolean {
  return host.startsWith("127.") || host === "::1" || host === "localhost";
}

/**
 * The addresses to offer host candidates on: the bound address when there is one; otherwise every
 * IPv4 address of the machine, LAN addresses before loopback.
 */
export function hostAddresses(bind: string, interfaces: NetworkInterfaceLike[]): string[] {
  if (!isWildcard(bind)) return [bind === "localhost" ? "127.0.0.1" : bind];
  const v4 = [...new Set(interfaces.filter((i) => i.family === "IPv4").map((i) => i.address))];
  return [...v4.filter((a) => !isLoopback(a)), ...v4.filter(isLoopback)];
}

export interface IceOptions {
  /** Addresses to gather host candidates on (see `hostAddresses`). */
  addresses: string[];
  /** Use the public STUN server (only when the user asked with --stun). */
  stun: boolean;
}

/** The ICE part of a werift PeerConfig. */
export function peerConfig(options: IceOptions): Partial<PeerConfig> {
  disableDefaultStun();
  const bound = options.addresses.length === 1 && !isWildcard(options.addresses[0]);
  return {
    iceServers: options.stun ? [{ urls: PUBLIC_STUN }] : [],
    // werift's own interface scan skips loopback and veth; we list the addresses ourselves.
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: options.addresses,
    iceInterfaceAddresses: bound ? { udp4: options.addresses[0] } : undefined,
    bundlePolicy: "max-bundle",
    iceFilterCandidatePair: samePlaceOnly,
  };
}

/**
 * Pairs a loopback candidate only with a loopback candidate. A browser on the same machine offers its
 * LAN address; a check from our 127.0.0.1 socket to it is answered from 127.0.0.1, which werift
 * rejects as an unexpected address, so such pairs only cost checks and retransmissions. Between two
 * machines no loopback candidate appears, so nothing else is filtered.
 */
export function samePlaceOnly(pair: { localCandidate: { host: string }; remoteCandidate: { host: string } }) {
  return isLoopback(pair.localCandidate.host) === isLoopback(pair.remoteCandidate.host);
}
