/** The wall clock in ms with sub-millisecond precision (Date.now() has 1 ms steps). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
const NTP_UNIX_OFFSET_NS = 2_208_988_800n * 1_000_000_000n;

/** An NTP time in ns since 1900 (as GStreamer's reference timestamps carry it) as Unix ms. */
export function ntpToUnixMs(ntpNs: bigint): number {
  return Number(ntpNs - NTP_UNIX_OFFSET_NS) / 1e6;
}
