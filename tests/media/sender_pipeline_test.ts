import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { SenderPipeline } from "../../lib/media/sender_pipeline.ts";
import type { SenderOptions } from "../../lib/media/sender.ts";
import type { MediaError } from "../../lib/media/media_error.ts";

/** A --pipeline source encoded by x264 to the viewers' tee, small and quick to restart. */
const OPTIONS: SenderOptions = {
  source: "pipeline",
  pipeline: "videotestsrc is-live=true",
  device: 0,
  width: 160,
  height: 120,
  fps: 30,
  os: "linux",
  encoder: { element: "x264enc", bitrateKbps: 300, lowLatency: true, maxQuality: false },
  passthrough: false,
  lowLatency: true,
  output: { kind: "tee" },
};

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("SenderPipeline makes a restartable source's encoder afresh when it fails: frames flow again, the stream goes on", async () => {
  const errors: MediaError[] = [];
  await using sender = await SenderPipeline.start(
    { ...OPTIONS, loop: false, sourceTiming: { retryMs: 100 } },
    {
      onPacket: () => {},
      onError: (error) => errors.push(error),
    },
  );
  await until("Frames from the encoder", () => sender.frames > 10);
  {
    using encoder = sender.element("encoder");
    encoder.postError("The encoder lost its hardware session");
  }
  await until("The encoder's failure seen", () => sender.sourceFaults()?.failures === 1);
  assertEquals(sender.sourceState, "lost");
  assertMatch(sender.sourceFaults()?.lastError ?? "", /lost its hardware session/);
  const before = sender.frames;
  await until(
    "Frames from a fresh encoder",
    () => sender.sourceState === "live" && sender.frames > before + 10,
  );
  assertEquals(sender.sourceFaults()?.restarts, 1);
  assertEquals(errors.map((error) => error.message), []);
  // The fresh encoder is set up like the first: keyframe requests still reach it and are answered.
  const sent = sender.keyFramesSent;
  sender.requestKeyFrame();
  await until("A keyframe for the request", () => sender.keyFramesSent > sent, 2000);
});

Deno.test("SenderPipeline ends the stream when the encoder of a source that cannot restart fails", async () => {
  const errors: MediaError[] = [];
  await using sender = await SenderPipeline.start({ ...OPTIONS, source: "stamp", loop: false }, {
    onPacket: () => {},
    onError: (error) => errors.push(error),
  });
  await until("Frames from the encoder", () => sender.frames > 10);
  {
    using encoder = sender.element("encoder");
    encoder.postError("The encoder lost its hardware session");
  }
  await until("The failure reported", () => errors.length > 0);
  assert(sender.sourceFaults() === undefined);
});
