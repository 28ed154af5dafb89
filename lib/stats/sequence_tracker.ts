/** RTP sequence numbers → packets received and lost, across wrap-around and reordering. */
export class SequenceTracker {
  #highest: number | undefined;
  received = 0;
  lost = 0;

  /** Records packet `sequence`; returns how many packets this one revealed as missing (0 if none). */
  push(sequence: number): number {
    this.received++;
    if (this.#highest === undefined) {
      this.#highest = sequence;
      return 0;
    }
    const ahead = (sequence - this.#highest) & 0xffff;
    if (ahead === 0) return 0; // duplicate
    if (ahead < 0x8000) {
      this.#highest = sequence;
      this.lost += ahead - 1;
      return ahead - 1;
    }
    // Late: a packet counted as lost has arrived after all.
    if (this.lost > 0) this.lost--;
    return 0;
  }
}

/** The sequence number of an RTP packet (bytes 2–3). */
export function rtpSequence(packet: Uint8Array): number {
  return (packet[2] << 8) | packet[3];
}
