import { assert, assertEquals } from "../support/assert.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";
import { ReceiverPipeline } from "../../lib/media/receiver_pipeline.ts";
import type { UnitMark } from "../../lib/stats/damage.ts";

// An IDR every 30 frames; moving content, so every P-frame carries data.
const ENCODE = "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! " +
  "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! " +
  "rtph264pay config-interval=-1 mtu=1200 ! appsink name=rtp sync=false";

/** Whether an RTP packet of H.264 carries (part of) an IDR slice. */
function carriesIdr(packet: Uint8Array): boolean {
  const nal = packet[12] & 0x1f;
  return nal === 5 || (nal === 28 && (packet[13] & 0x1f) === 5);
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("ReceiverPipeline starts a stream joined mid-GOP at its keyframe, and shows that keyframe though a packet of it was lost", async () => {
  const frames: bigint[] = [];
  const units: UnitMark[] = [];
  const receiver = new ReceiverPipeline(
    { input: { kind: "appsrc" }, decoder: "avdec_h264", latencyMs: 0, lowLatency: true },
    {
      onFrame: (frame) => frames.push(frame.pts ?? -1n),
      onUnit: (unit) => units.push(unit),
      onError: (error) => {
        throw error;
      },
    },
  );
  const sender = new Pipeline(ENCODE);
  try {
    const sink = sender.appSink("rtp");
    sender.play();
    let frame = 0; // frames the sender has completed (a marker bit ends one)
    let frameIsIdr = false;
    let idrs = 0;
    let joined = false;
    let decodedBeforeKeyframe: number | undefined;
    let keyframe: number | undefined; // the frame of the first IDR after joining
    let keyframePackets = 0;
    for await (const sample of sink.pull({ copy: true })) {
      const packet = new Uint8Array(sample.data!);
      const idr = carriesIdr(packet);
      frameIsIdr ||= idr;
      // Join three frames after the first IDR: the stream starts with P-frames.
      if (!joined && idrs === 1 && frame >= 3) joined = true;
      if (joined) {
        if (idr && keyframe === undefined) {
          // Whatever was decoded by now came from P-frames alone.
          await settle(100);
          decodedBeforeKeyframe = frames.length;
          keyframe = frame;
        }
        // The keyframe's third slice packet is lost.
        const lost = idr && frame === keyframe && ++keyframePackets === 3;
        if (!lost) receiver.push(packet);
      }
      if (!(packet[1] & 0x80)) continue;
      if (frameIsIdr) idrs++;
      frameIsIdr = false;
      frame++;
      // Fifteen frames after that keyframe, well before the next IDR.
      if (keyframe !== undefined && frame >= keyframe + 15) break;
    }
    await settle(300);
    assertEquals(
      decodedBeforeKeyframe,
      0,
      "P-frames before the first keyframe are not decoded (grey garbage)",
    );
    assert(units.length > 0 && units[0].key, "the first access unit past the depayloader is a keyframe");
    assert(keyframePackets >= 3, `the keyframe took ${keyframePackets} packets`);
    assert(units.some((u) => u.discont), "the loss was seen (a DISCONT access unit)");
    assert(
      frames.length >= 12,
      `the damaged keyframe and the frames after it are decoded, not held for another keyframe (${frames.length})`,
    );
  } finally {
    await sender.close();
    await receiver.close();
  }
});
