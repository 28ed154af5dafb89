/**
 * What both sides of the gstreamer engine do with their webrtcbin: ICE by the shared policy (host
 * candidates only on the chosen addresses, STUN only when asked for), how long gathering may take,
 * and finding statistics by type.
 */
import type { WebRtcBin } from "../ffi/webrtc_bin.ts";
import type { PlainObject } from "../ffi/gobject.ts";
import { type IceOptions, PUBLIC_STUN } from "./ice_policy.ts";

/** Applies `ice` to `webrtc`; before any description is set. */
export function applyIce(webrtc: WebRtcBin, ice: IceOptions): void {
  webrtc.restrictIce(ice.addresses);
  if (ice.stun) webrtc.set("stun-server", PUBLIC_STUN.replace(/^stun:/, "stun://"));
}

/** How long to wait for gathering: host candidates come at once; a silent STUN server is not waited for long. */
export function gatherTimeoutMs(ice: IceOptions): number {
  return ice.stun ? 2000 : 5000;
}

/** The entries of webrtcbin's statistics of one type ("inbound-rtp", "outbound-rtp", ...). */
export function statsOfType(stats: PlainObject, type: string): PlainObject[] {
  return Object.values(stats).filter((entry): entry is PlainObject =>
    typeof entry === "object" && entry !== null && entry.type === type
  );
}
