/**
 * werift's ICE configuration from the shared policy (ice_policy.ts): host candidates only from the
 * addresses we choose, and no STUN unless the user asks for it. werift falls back to Google's
 * public STUN server whenever none is configured; `disableDefaultStun()` removes that fallback.
 */
import { Connection, type PeerConfig, RTCDtlsTransport } from "werift";
import { type IceOptions, isWildcard, PUBLIC_STUN, samePlaceOnly } from "./ice_policy.ts";

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
