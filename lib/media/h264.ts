/** H.264 facts shared by encoder settings and SDP: profiles, levels, automatic bitrate. */

export type H264Profile = "constrained-baseline" | "high";

/** Levels by their limits (ITU-T H.264 Table A-1): macroblocks per second and per frame. */
const LEVELS: { level: number; maxMbps: number; maxFs: number }[] = [
  { level: 31, maxMbps: 108_000, maxFs: 3_600 },
  { level: 32, maxMbps: 216_000, maxFs: 5_120 },
  { level: 40, maxMbps: 245_760, maxFs: 8_192 },
  { level: 42, maxMbps: 522_240, maxFs: 8_704 },
  { level: 50, maxMbps: 589_824, maxFs: 22_080 },
  { level: 51, maxMbps: 983_040, maxFs: 36_864 },
  { level: 52, maxMbps: 2_073_600, maxFs: 36_864 },
];

/** The lowest level (times ten: 31 = 3.1) that fits `width`x`height` at `fps`; 3.1 at least. */
export function h264Level(width: number, height: number, fps: number): number {
  const frame = Math.ceil(width / 16) * Math.ceil(height / 16);
  const fit = LEVELS.find((l) => frame <= l.maxFs && frame * fps <= l.maxMbps);
  return (fit ?? LEVELS[LEVELS.length - 1]).level;
}

/** The SDP profile-level-id: constrained baseline 42e0xx, high 6400xx. */
export function profileLevelId(profile: H264Profile, level: number): string {
  const prefix = profile === "high" ? "6400" : "42e0";
  return prefix + level.toString(16).padStart(2, "0");
}

/**
 * The automatic bitrate in kbit/s: 0.24 bits per pixel per frame (15 Mbit/s at 1080p30, 6.6 Mbit/s
 * at 720p30), doubled with `maxQuality`, between 500 kbit/s and 250 Mbit/s.
 */
export function autoBitrateKbps(width: number, height: number, fps: number, maxQuality = false): number {
  const bits = width * height * fps * 0.24 * (maxQuality ? 2 : 1);
  return Math.round(Math.min(250_000, Math.max(500, bits / 1000)));
}
