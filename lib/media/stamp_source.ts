/**
 * The measuring test source: frames made in JavaScript (a moving gradient) with their capture time
 * (wall clock, ms) stamped into the pixels, pushed into the pipeline through an appsrc. The one place
 * JavaScript makes frames: it is a measuring instrument, asked for with --source stamp.
 */
import type { AppSrc } from "../ffi/app_src.ts";
import { STAMP_HEIGHT, writeStamp } from "../stats/pixel_stamp.ts";

export const STAMP_APPSRC = "frames";

export class StampSource {
  #timer: ReturnType<typeof setInterval> | undefined;
  #frame: Uint8Array<ArrayBuffer>;
  #count = 0;
  readonly #width: number;
  readonly #height: number;

  constructor(readonly source: AppSrc, width: number, height: number) {
    this.#width = width;
    this.#height = height;
    this.#frame = new Uint8Array(width * height * 3 / 2);
    this.#frame.fill(128, width * height); // neutral chroma
  }

  /** Pushes one frame now, stamped with the current wall-clock time. */
  pushFrame(): void {
    const { width, height } = { width: this.#width, height: this.#height };
    const y = this.#frame;
    // A moving diagonal gradient below the stamp: real motion for the encoder, cheap to draw.
    const shift = (this.#count++ * 4) % 256;
    for (let row = STAMP_HEIGHT; row < height; row += 2) {
      const base = row * width;
      for (let col = 0; col < width; col += 8) y.fill((col + row + shift) & 0xff, base + col, base + col + 8);
      y.copyWithin(base + width, base, base + width);
    }
    writeStamp(y, width, Date.now() % 2 ** 32);
    this.source.push(y.slice());
  }

  /** Pushes a frame every 1/fps s until stopped. */
  start(fps: number): void {
    this.#timer = setInterval(() => this.pushFrame(), 1000 / fps);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
