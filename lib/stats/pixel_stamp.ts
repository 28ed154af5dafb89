/**
 * A 32-bit value (a capture time in ms, modulo 2^32) written into a frame's luma as 2 rows of
 * 20 black/white 16x16 blocks at the top-left, with a CRC-8: it survives H.264 at ordinary
 * bitrates (blocks are macroblock-aligned and read at their centres). Ground truth for latency:
 * the reader compares the stamp with its own clock. Pure functions over the Y plane.
 */

export const CELL = 16;
const COLUMNS = 20;
const ROWS = 2;
const BITS = COLUMNS * ROWS; // 32 value bits + 8 CRC bits
const WHITE = 235;
const BLACK = 16;

/** The size of the stamped region in pixels. */
export const STAMP_WIDTH = CELL * COLUMNS;
export const STAMP_HEIGHT = CELL * ROWS;

function crc8(value: number): number {
  let crc = 0;
  for (let byte = 3; byte >= 0; byte--) {
    crc ^= (value >>> (byte * 8)) & 0xff;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function bitsOf(value: number): number[] {
  const word = [...Array(32)].map((_, i) => (value >>> (31 - i)) & 1);
  const crc = crc8(value >>> 0);
  return [...word, ...[...Array(8)].map((_, i) => (crc >>> (7 - i)) & 1)];
}

/** Writes `value` (0 … 2^32−1) into the Y plane `y` of a frame with row stride `stride`. */
export function writeStamp(y: Uint8Array, stride: number, value: number): void {
  const bits = bitsOf(value >>> 0);
  for (let bit = 0; bit < BITS; bit++) {
    const x0 = (bit % COLUMNS) * CELL;
    const y0 = Math.floor(bit / COLUMNS) * CELL;
    const level = bits[bit] ? WHITE : BLACK;
    for (let row = 0; row < CELL; row++) {
      y.fill(level, (y0 + row) * stride + x0, (y0 + row) * stride + x0 + CELL);
    }
  }
}

/** Reads a stamp from the Y plane; undefined when there is none (or it was damaged: CRC mismatch). */
export function readStamp(y: Uint8Array, stride: number): number | undefined {
  if (y.byteLength < (STAMP_HEIGHT - 1) * stride + STAMP_WIDTH) return undefined;
  let value = 0;
  let crc = 0;
  for (let bit = 0; bit < BITS; bit++) {
    const x0 = (bit % COLUMNS) * CELL + CELL / 4;
    const y0 = Math.floor(bit / COLUMNS) * CELL + CELL / 4;
    let sum = 0;
    for (let row = 0; row < CELL / 2; row++) {
      for (let col = 0; col < CELL / 2; col++) sum += y[(y0 + row) * stride + x0 + col];
    }
    const one = sum / (CELL * CELL / 4) > (WHITE + BLACK) / 2 ? 1 : 0;
    if (bit < 32) value = (value * 2 + one) >>> 0;
    else crc = (crc << 1) | one;
  }
  return crc8(value) === crc ? value : undefined;
}

/** The full time in ms of a stamp holding `ms mod 2^32`, taking the candidate nearest to `nowMs`. */
export function unwrapStamp(stamp: number, nowMs: number): number {
  const period = 2 ** 32;
  const base = Math.floor(nowMs / period) * period + stamp;
  return [base - period, base, base + period].reduce((
    a,
    b,
  ) => (Math.abs(b - nowMs) < Math.abs(a - nowMs) ? b : a));
}

/** A reading further from the reader's clock than this is no stamp (a chance CRC match on a picture). */
const PLAUSIBLE_MS = { behind: 1000, ahead: 30_000 };

/**
 * The capture → now latency in ms of a stamped frame, or undefined when it has no readable stamp or
 * one whose time is implausible (more than 1 s in the future or 30 s in the past): with the CRC, a
 * picture without stamps passes about once in 2^8 × 2^32 / 31,000 ≈ 3.5·10^7 frames.
 */
export function stampLatency(y: Uint8Array, stride: number, nowMs: number): number | undefined {
  const stamp = readStamp(y, stride);
  if (stamp === undefined) return undefined;
  const latency = nowMs - unwrapStamp(stamp, nowMs);
  return latency < -PLAUSIBLE_MS.behind || latency > PLAUSIBLE_MS.ahead ? undefined : latency;
}
