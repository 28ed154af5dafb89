/**
 * Which addresses ICE may use on an ROV tether, for both WebRTC engines: host candidates only from
 * the addresses we choose, loopback paired only with loopback, and no STUN unless the user asks.
 */

/** The public STUN server used only with `--stun`. */
export const PUBLIC_STUN = "stun:stun.l.google.com:19302";

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

/**
 * Pairs a loopback candidate only with a loopback candidate. A browser on the same machine offers its
 * LAN address; a check from our 127.0.0.1 socket to it is answered from 127.0.0.1, which werift
 * rejects as an unexpected address, so such pairs only cost checks and retransmissions. Between two
 * machines no loopback candidate appears, so nothing else is filtered.
 */
export function samePlaceOnly(pair: { localCandidate: { host: string }; remoteCandidate: { host: string } }) {
  return isLoopback(pair.localCandidate.host) === isLoopback(pair.remoteCandidate.host);
}

/**
 * `sdp` without the remote candidates that `samePlaceOnly` would never pair with any of `local`
 * (for an ICE agent that cannot filter pairs itself, such as webrtcbin's libnice).
 */
export function pairableCandidates(sdp: string, local: string[]): string {
  const lines = sdp.split(/\r?\n/);
  const kept = lines.filter((line) => {
    const candidate = /^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ/.exec(line);
    if (!candidate) return true;
    const remote = candidate[1];
    return local.some((host) =>
      samePlaceOnly({ localCandidate: { host }, remoteCandidate: { host: remote } })
    );
  });
  return kept.join("\r\n");
}
