import { assert, assertEquals, assertMatch, assertRejects } from "../support/assert.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";
import { Recorder, recordingBaseName, recordingDescription } from "../../lib/media/recorder.ts";
import type { TeeFeed } from "../../lib/media/tee_feed.ts";
import { framesIn } from "../support/media_probe.ts";

const SOURCE = "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! " +
  "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=60 ! h264parse config-interval=-1 ! " +
  "video/x-h264,stream-format=byte-stream,alignment=au ! tee name=fan allow-not-linked=true";

/** The tee of a running pipeline as the Recorder sees the sender's. */
function feedOf(pipeline: Pipeline): TeeFeed {
  const tee = pipeline.element("fan");
  return {
    addBranch: (description) => pipeline.addBranch("fan", description),
    removeBranch: (branch, options) => pipeline.removeBranch(branch, options),
    requestKeyFrame: () => void tee.requestKeyFrame(),
  };
}

Deno.test("recordingBaseName sorts by local time and is a plain file name", () => {
  assertEquals(recordingBaseName(new Date(2026, 11, 2, 6, 5, 9)), "rov-2026-12-02_06-05-09");
});

Deno.test("recordingDescription writes fragmented MP4 of the stream as it is, never blocking it", () => {
  const description = recordingDescription("/data/dive 1/rov.mp4");
  assertMatch(description, /^queue .*leaky=downstream ! h264parse ! video\/x-h264,stream-format=avc/);
  assertMatch(description, /mp4mux fragment-duration=1000 ! filesink location="\/data\/dive 1\/rov\.mp4"/);
  assert(!/enc\b/.test(description), "no encoder");
});

Deno.test("Recorder starts a new file on schedule, each file decodable, no frames lost between them", async () => {
  const dir = await Deno.makeTempDir();
  const pipeline = new Pipeline(SOURCE);
  try {
    pipeline.play();
    // A new file every 2 s (0.033 min).
    const recorder = new Recorder(feedOf(pipeline), dir, { segmentMinutes: 2 / 60 });
    const first = await recorder.start();
    assertEquals(first.recording, true);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await recorder.stop();
    await recorder.stop(); // a no-op
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".mp4")).sort();
    assert(files.length >= 2, `files: ${files.join(", ")}`);
    let total = 0;
    for (const file of files) {
      const frames = await framesIn(`${dir}/${file}`);
      assert(frames > 0, `${file} decodes`);
      total += frames;
    }
    // 5 s at 30 fps; the files overlap by a moment rather than leave a gap.
    assert(total >= 140, `${total} frames in ${files.length} files`);
  } finally {
    await pipeline.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Recorder.start refuses a directory it cannot write, in one line", async () => {
  const file = await Deno.makeTempFile();
  const pipeline = new Pipeline(SOURCE);
  try {
    const recorder = new Recorder(feedOf(pipeline), `${file}/sub`);
    await assertRejects(
      () => recorder.start(),
      /^RecordingError: Cannot record to .*\/sub: not a directory$/,
    );
    assertEquals(recorder.state.recording, false);
  } finally {
    await pipeline.close();
    await Deno.remove(file);
  }
});
