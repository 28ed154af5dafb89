/**
 * A viewer that only receives: WebRTC via POST /offer, counts RTP packets and bytes, decodes nothing.
 * Used to measure the server's cost per viewer without decoders competing for the CPU.
 * Usage: deno run -A bench/packet_viewer.ts http://127.0.0.1:PORT/offer SECONDS
 */
import { ReceiverSession } from "../lib/webrtc/receiver_session.ts";
import { postOffer } from "../lib/signalling/offer_client.ts";
import { rtpSequence, SequenceTracker } from "../lib/stats/sequence_tracker.ts";

const [url, seconds = "20"] = Deno.args;
const sequence = new SequenceTracker();
let bytes = 0;
let markers = 0;
const session = await ReceiverSession.connect((offer) => postOffer(url, offer).then((a) => a.sdp), {
  ice: { addresses: ["127.0.0.1"], stun: false },
  telemetry: false, // packets only
  onPacket: (packet) => {
    sequence.push(rtpSequence(packet));
    bytes += packet.byteLength;
    if (packet[1] & 0x80) markers++;
  },
});
const started = performance.now();
const timer = setInterval(() => {
  const s = (performance.now() - started) / 1000;
  console.log(
    `frames ${markers} | fps ${(markers / s).toFixed(1)} | ${
      (bytes * 8 / s / 1e6).toFixed(2)
    } Mbit/s | lost ${sequence.lost}`,
  );
}, 1000);
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
clearInterval(timer);
await session.close();
Deno.exit(0);
