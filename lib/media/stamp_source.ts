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

  /** Draws row `row` of the moving pattern: diagonal stripes that depend on the frame count. */
  #drawRow(row: number, phase: number): void {
    const base = row * this.#width;
    for (let col = 0; col < this.#width; col += 16) {
      this.#frame.fill((col + row * 3 + phase) & 0xff, base + col, base + Math.min(this.#width, col + 16));
    }
  }

  /**
   * Pushes one frame now, stamped with the current wall-clock time. Cheap (well under 1 ms at 1080p),
   * since it runs on the event loop that also forwards RTP: the picture scrolls up 4 rows with one
   * native memmove, only the 4 new rows are drawn, and the stamp is written.
   */
  pushFrame(): void {
    const width = this.#width;
    const top = STAMP_HEIGHT * width;
    const end = this.#height * width;
    const phase = this.#count++ * 4;
    if (this.#count === 1) { for (let row = STAMP_HEIGHT; row < this.#height; row++) this.#drawRow(row, 0); }
    else {
      this.#frame.copyWithin(top, top + 4 * width, end);
      for (let row = this.#height - 4; row < this.#height; row++) this.#drawRow(row, phase);
    }
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
