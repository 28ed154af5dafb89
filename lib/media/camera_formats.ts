/**
 * What a camera can deliver, read from the caps GStreamer's device monitor reports for it, and the
 * cheapest way to get the requested size and rate from it: the camera's own H.264 sent as it is (no
 * decode, no encode), else raw frames encoded once, else MJPEG decoded and encoded. Pure.
 */

export type CameraFormatKind = "h264" | "raw" | "mjpeg";

export interface CameraFormat {
  kind: CameraFormatKind;
  width: number;
  height: number;
  /** Frame rates it offers at this size (fps, may be fractional). */
  fps: number[];
  /** The raw pixel format (YUY2, NV12, ...), for raw video. */
  pixelFormat?: string;
}

const MEDIA: Record<string, CameraFormatKind> = {
  "video/x-h264": "h264",
  "video/x-raw": "raw",
  "image/jpeg": "mjpeg",
};

/** A caps field's values: `field=(type)value` or `field=(type){ a, b }` or `[ a, b ]` ranges. */
function field(structure: string, name: string): string[] {
  const match = new RegExp(`(?:^|, )${name}=(?:\\([a-z]+\\))?(\\{[^}]*\\}|\\[[^\\]]*\\]|[^,]+)`).exec(
    structure,
  );
  if (!match) return [];
  const value = match[1].trim();
  if (value.startsWith("{")) {
    return value.slice(1, -1).split(",").map((v) => v.trim().replace(/^\([a-z]+\)/, ""));
  }
  return [value];
}

function fraction(text: string): number {
  const [n, d] = text.split("/").map(Number);
  return d ? n / d : n;
}

/**
 * The formats in a caps string ("video/x-raw, format=(string)YUY2, width=(int)640, height=(int)480,
 * framerate=(fraction){ 30/1, 15/1 }; image/jpeg, ..."): one entry per media type, size and pixel
 * format; ranges of rates become their ends. Structures of other media types are skipped.
 */
export function parseCameraCaps(caps: string): CameraFormat[] {
  const formats: CameraFormat[] = [];
  // Structures are separated by "; " (outside braces, which hold lists).
  for (const structure of caps.split(/;\s*(?![^{]*\})/)) {
    const media = structure.trim().split(/[,\s]/, 1)[0];
    const kind = MEDIA[media];
    if (!kind) continue;
    const width = Number(field(structure, "width")[0]);
    const height = Number(field(structure, "height")[0]);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) continue;
    const rates = field(structure, "framerate").flatMap((rate) =>
      rate.startsWith("[") ? rate.slice(1, -1).split(",").map((r) => fraction(r.trim())) : [fraction(rate)]
    ).filter((fps) => Number.isFinite(fps) && fps > 0);
    const pixelFormat = kind === "raw" ? field(structure, "format")[0] : undefined;
    const same = formats.find((f) =>
      f.kind === kind && f.width === width && f.height === height && f.pixelFormat === pixelFormat
    );
    if (same) same.fps = [...new Set([...same.fps, ...rates])].sort((a, b) => b - a);
    else formats.push({ kind, width, height, fps: rates.sort((a, b) => b - a), pixelFormat });
  }
  return formats;
}

export interface FormatChoice {
  format: CameraFormat;
  /** The rate to ask the camera for. */
  fps: number;
  /** Why this one, in words for the log. */
  reason: string;
}

/** Cheapest first: H.264 needs nothing, raw needs an encode, MJPEG a decode and an encode. */
const COST: Record<CameraFormatKind, number> = { h264: 0, raw: 1, mjpeg: 2 };
const WORK: Record<CameraFormatKind, string> = {
  h264: "the camera's H.264 is sent as it is (no decode, no encode)",
  raw: "raw frames are encoded once",
  mjpeg: "MJPEG is decoded and encoded once",
};

/**
 * The cheapest format giving `want` (width × height at fps; 0 × 0: the camera's largest size).
 * Where none gives it exactly, the nearest size at or above it, then the fastest rate at or above
 * it; undefined when the camera reports no usable format.
 */
export function chooseCameraFormat(
  formats: CameraFormat[],
  want: { width: number; height: number; fps: number },
): FormatChoice | undefined {
  const native = want.width === 0 || want.height === 0;
  const largest = Math.max(0, ...formats.map((f) => f.width * f.height));
  const fits = (f: CameraFormat) =>
    native ? f.width * f.height === largest : f.width === want.width && f.height === want.height;
  const fast = (f: CameraFormat) => f.fps.some((fps) => fps >= want.fps - 0.01);
  const exact = formats.filter((f) => fits(f) && fast(f)).sort((a, b) => COST[a.kind] - COST[b.kind]);
  if (exact.length > 0) {
    const format = exact[0];
    const fps = Math.min(...format.fps.filter((fps) => fps >= want.fps - 0.01));
    const others = exact.slice(1).map((f) => f.kind).filter((k) => k !== format.kind);
    const size = `${format.width}x${format.height}@${round(fps)}`;
    return {
      format,
      fps,
      reason: `${format.kind.toUpperCase()} ${size}: ${WORK[format.kind]}` +
        (others.length > 0 ? ` (also offered: ${[...new Set(others)].join(", ")})` : ""),
    };
  }
  // Nothing exact: the smallest size that covers the request (scaled down after), fastest rate.
  const covering = formats.filter((f) => native || (f.width >= want.width && f.height >= want.height));
  const pool = covering.length > 0 ? covering : formats;
  if (pool.length === 0) return undefined;
  const best =
    pool.toSorted((a, b) =>
      Number(fast(b)) - Number(fast(a)) || a.width * a.height - b.width * b.height ||
      COST[a.kind] - COST[b.kind] || (b.fps[0] ?? 0) - (a.fps[0] ?? 0)
    )[0];
  const fps = best.fps.filter((fps) => fps >= want.fps - 0.01).sort((a, b) => a - b)[0] ?? best.fps[0] ??
    want.fps;
  return {
    format: best,
    fps,
    reason: `${best.kind.toUpperCase()} ${best.width}x${best.height}@${round(fps)}: the nearest the camera ` +
      `offers to ${want.width}x${want.height}@${want.fps}; ${WORK[best.kind]}` +
      (best.kind === "h264" ? "" : ", scaled to the requested size"),
  };
}

function round(fps: number): string {
  return Number.isInteger(fps) ? String(fps) : fps.toFixed(2);
}
