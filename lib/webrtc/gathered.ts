/** Waiting for ICE gathering to finish, so one SDP carries every candidate (no trickle needed). */
import type { RTCPeerConnection } from "werift";

/** Resolves when `pc` has gathered all candidates, or rejects after `timeoutMs`. */
export function gatheringComplete(pc: RTCPeerConnection, timeoutMs = 5000): Promise<void> {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`ICE gathering did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const { unSubscribe: unsubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== "complete") return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

/** Whether the SDP offers at least one ICE candidate: an exhausted port range or no address gives none. */
export function hasCandidates(sdp: string): boolean {
  return /^a=candidate:/m.test(sdp);
}
