/**
 * Which decoded frames are damaged: a frame is damaged when a packet of it, or of a frame it depends
 * on since the last keyframe, never arrived. The access units after the parser say where data went
 * missing (the first unit after a gap is marked DISCONT) and where keyframes are; the decoder marks
 * frames it had to conceal (CORRUPTED). Matched by timestamp, since the units are seen before their
 * frames are decoded. Pure: fed by the receiver's taps, tested without a pipeline.
 */

/** One access unit as the parser passed it on. */
export interface UnitMark {
  pts: bigint;
  /** The first unit after a gap: data before it never arrived. */
  discont: boolean;
  /** A keyframe (IDR): it depends on nothing before it. */
  key: boolean;
}

const KEEP = 256;

export class DamageTracker {
  /** Recent losses and keyframes by timestamp, oldest first. */
  #marks: UnitMark[] = [];
  /** The damage carried from a concealed frame to the ones that depend on it. */
  #concealedAt: bigint | undefined;
  damaged = 0;
  frames = 0;

  /** An access unit passed the parser. */
  unit(mark: UnitMark): void {
    if (!mark.discont && !mark.key) return;
    this.#marks.push(mark);
    if (this.#marks.length > KEEP) this.#marks.shift();
  }

  /**
   * A frame was decoded (its timestamp, and whether the decoder concealed damage in it); returns
   * whether it is damaged.
   */
  frame(pts: bigint | undefined, corrupted = false): boolean {
    this.frames++;
    let damaged = corrupted;
    if (pts !== undefined) {
      if (corrupted) this.#concealedAt = pts;
      // The latest loss and keyframe at or before this frame.
      let loss: bigint | undefined;
      let key: bigint | undefined;
      for (const mark of this.#marks) {
        if (mark.pts > pts) break;
        if (mark.key) key = mark.pts;
        // A keyframe that starts the stream (or follows the gap) mends it at once.
        if (mark.discont && !mark.key) loss = mark.pts;
      }
      // Damage since the later of the two.
      const concealed = this.#concealedAt;
      const latest = loss === undefined
        ? concealed
        : concealed === undefined || loss > concealed
        ? loss
        : concealed;
      if (latest !== undefined && (key === undefined || key < latest)) damaged = true;
      else if (
        key !== undefined && this.#concealedAt !== undefined && key >= this.#concealedAt && !corrupted
      ) {
        this.#concealedAt = undefined;
      }
      // Marks older than the latest keyframe no longer matter.
      if (key !== undefined) this.#marks = this.#marks.filter((m) => m.pts >= key!);
    }
    if (damaged) this.damaged++;
    return damaged;
  }
}
