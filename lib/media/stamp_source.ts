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

  /** Random luma the lower half of each frame is cut from, at a new offset every frame. */
  #noise: Uint8Array<ArrayBuffer>;
  readonly #split: number;

  constructor(readonly source: AppSrc, width: number, height: number) {
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
    writeStamp(this.#frame, width, Date.now() % 2 ** 32);
    this.source.push(this.#frame); // copied into a GStreamer buffer
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
