/** What an output fed from the sender's tee needs of it (RTSP, recording): branches and keyframes. */
import type { Branch } from "../ffi/branch.ts";

export interface TeeFeed {
  /** Adds a branch behind the tee, started and linked. */
  addBranch(description: string): Branch;
  /** Removes it; `drainMs` lets it finish what it writes first (see Branch.close). */
  removeBranch(branch: Branch, options?: { drainMs?: number }): Promise<void>;
  /** Asks the encoder for a keyframe (the sender folds requests together). */
  requestKeyFrame(): void;
}
