/**
 * The synthetic sources: frames made in JavaScript (moving stripes over fresh noise) with their
 * capture time (wall clock, ms) stamped into the pixels, pushed into the pipeline through an appsrc.
 * The one place JavaScript makes frames: `--source stamp` (the measuring instrument) and `--source
 * test` (the same picture with a clock drawn on it). A GStreamer-made test picture (compositor of two
 * live sources and two text overlays) added ~12 ms at 720p; this one costs about a millisecond.
 */
import type { AppSrc } from "../ffi/app_src.ts";
import { STAMP_HEIGHT, writeStamp } from "../stats/pixel_stamp.ts";

export const STAMP_APPSRC = "frames";

/** Seven-segment digits 0–9, bit i = segment "abcdefg"[i]. */
const SEGMENTS = [0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f];

export class StampSource {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #frame: Uint8Array<ArrayBuffer>;
  #count = 0;
  readonly #width: number;
  readonly #height: number;

  /** Random luma the lower half of each frame is cut from, at a new offset every frame. */
  #noise: Uint8Array<ArrayBuffer>;
  readonly #split: number;

  readonly #clock: boolean;

  /** `clock`: draw the wall-clock time (HH:MM:SS.t) on the picture, as a live test pattern should. */
  constructor(readonly source: AppSrc, width: number, height: number, options: { clock?: boolean } = {}) {
    this.#clock = options.clock ?? false;
    this.#width = width;
    this.#height = height;
    this.#frame = new Uint8Array(width * height * 3 / 2);
    this.#frame.fill(128, width * height); // neutral chroma
    // The lower half is fresh noise each frame: it drives the encoder to its bitrate, as a real
    // camera's picture does at the product's defaults (a smooth pattern alone stays far below it).
    this.#split = Math.max(STAMP_HEIGHT, (height >> 1) & ~1);
    this.#noise = new Uint8Array(width * (height - this.#split) * 2);
    for (let i = 0; i < this.#noise.length; i += 65536) {
      crypto.getRandomValues(this.#noise.subarray(i, Math.min(this.#noise.length, i + 65536)));
    }
  }

  /** Draws row `row` of the moving pattern: diagonal stripes that depend on the frame count. */
  #drawRow(row: number, phase: number): void {
    const base = row * this.#width;
    for (let col = 0; col < this.#width; col += 16) {
      this.#frame.fill((col + row * 3 + phase) & 0xff, base + col, base + Math.min(this.#width, col + 16));
    }
  }

  /**
   * Pushes one frame now, stamped with the current wall-clock time. Cheap (about 1 ms at 1080p),
   * since it runs on the event loop that also forwards RTP: the picture scrolls up 4 rows with one
   * native memmove, only the 4 new rows are drawn, and the stamp is written.
   */
  pushFrame(): void {
    const width = this.#width;
    const top = STAMP_HEIGHT * width;
    const split = this.#split;
    const end = split * width;
    const phase = this.#count++ * 4;
    if (this.#count === 1) { for (let row = STAMP_HEIGHT; row < split; row++) this.#drawRow(row, 0); }
    else {
      this.#frame.copyWithin(top, top + 4 * width, end);
      for (let row = split - 4; row < split; row++) this.#drawRow(row, phase);
    }
    const block = (this.#height - split) * width;
    const offset = ((this.#count * 7919 * width) % (this.#noise.length - block)) & ~15;
    this.#frame.set(this.#noise.subarray(offset, offset + block), end);
    const now = Date.now();
    if (this.#clock) this.#drawClock(now);
    writeStamp(this.#frame, width, now % 2 ** 32);
    this.source.push(this.#frame); // copied into a GStreamer buffer
  }

  /** The time of day (UTC) in seven-segment digits on a dark box, in the lower (noise) half. */
  #drawClock(now: number): void {
    const text = new Date(now).toISOString().slice(11, 21); // HH:MM:SS.t
    const scale = Math.max(2, Math.floor(this.#height / 90));
    const digitW = 6 * scale;
    const digitH = 10 * scale;
    const boxW = text.length * (digitW + 2 * scale) + 2 * scale;
    const x0 = Math.max(0, this.#width - boxW - 4 * scale);
    const y0 = this.#height - digitH - 6 * scale;
    this.#rect(x0, y0 - 2 * scale, boxW, digitH + 4 * scale, 16);
    let x = x0 + 2 * scale;
    for (const char of text) {
      if (char === ":" || char === ".") {
        this.#rect(x + 2 * scale, y0 + 7 * scale, 2 * scale, 2 * scale, 235);
        if (char === ":") this.#rect(x + 2 * scale, y0 + 2 * scale, 2 * scale, 2 * scale, 235);
      } else {
        const on = SEGMENTS[Number(char)];
        const t = scale; // segment thickness
        const bars: [number, number, number, number][] = [
          [t, 0, digitW - 2 * t, t], // a
          [digitW - t, t, t, digitH / 2 - t], // b
          [digitW - t, digitH / 2, t, digitH / 2 - t], // c
          [t, digitH - t, digitW - 2 * t, t], // d
          [0, digitH / 2, t, digitH / 2 - t], // e
          [0, t, t, digitH / 2 - t], // f
          [t, digitH / 2 - t / 2, digitW - 2 * t, t], // g
        ];
        bars.forEach(([bx, by, bw, bh], i) => {
          if (on & (1 << i)) this.#rect(x + bx, y0 + by, bw, bh, 235);
        });
      }
      x += digitW + 2 * scale;
    }
  }

  #rect(x: number, y: number, w: number, h: number, luma: number): void {
    const width = this.#width;
    for (let row = Math.max(0, Math.floor(y)); row < Math.min(this.#height, Math.floor(y + h)); row++) {
      const start = row * width + Math.max(0, Math.floor(x));
      this.#frame.fill(luma, start, row * width + Math.min(width, Math.floor(x + w)));
    }
  }

  /** Pushes a frame every 1/fps s, on a fixed grid of times (see nextFrameDue), until stopped. */
  start(fps: number): void {
    this.stop();
    const period = 1000 / fps;
    let due = performance.now() + period;
    const tick = () => {
      this.pushFrame();
      due = nextFrameDue(due, performance.now(), period);
      if (this.#timer !== undefined) this.#timer = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    this.#timer = setTimeout(tick, period);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * When the frame after the one due at `due` is due, `period` ms apart on a fixed grid, as a camera
 * delivers them. Timers fire late by their rounding: `setInterval(f, 1000 / 30)` ran at 29.5 fps
 * here, so the demo and the measuring source sent 1.5 % fewer frames than asked. On the grid the rate
 * is exact; a late frame is followed at once by the next, and after a stall of more than a frame the
 * missed ones are skipped, never sent in a burst.
 */
export function nextFrameDue(due: number, now: number, period: number): number {
  const next = due + period;
  const behind = now - next;
  // The latest slot not after now (the epsilon keeps a slot that lands on now from rounding away).
  return behind >= period ? next + Math.floor(behind / period + 1e-9) * period : next;
}
