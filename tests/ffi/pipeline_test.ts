import { assert, assertEquals, assertMatch, assertThrows } from "../support/assert.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";
import { GstError, hasElement } from "../../lib/ffi/gst.ts";

const ENCODE = "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! " +
  "x264enc tune=zerolatency speed-preset=ultrafast ! rtph264pay name=pay config-interval=-1 mtu=1200 ! " +
  "appsink name=rtp sync=false";

Deno.test("Pipeline produces RTP packets through an appsink", async () => {
  const pipeline = new Pipeline(ENCODE);
  try {
    const sink = pipeline.appSink("rtp");
    pipeline.play();
    let packets = 0;
    let markers = 0;
    for await (const sample of sink.pull({ copy: true })) {
      assert(sample.data && sample.data.byteLength > 12 && sample.data.byteLength <= 1200 + 12);
      assertEquals(sample.data[0] >> 6, 2, "RTP version 2");
      if (sample.data[1] & 0x80) markers++;
      if (++packets >= 60 && markers >= 5) break;
    }
    assert(markers >= 5, "complete frames end with a marker bit");
  } finally {
    await pipeline.close();
  }
});

Deno.test("Pipeline requestKeyFrame reaches the encoder", async () => {
  const pipeline = new Pipeline(ENCODE.replace("x264enc", "x264enc key-int-max=100000"));
  try {
    const sink = pipeline.appSink("rtp");
    const pay = pipeline.element("pay");
    pipeline.play();
    let idr = 0;
    let frames = 0;
    let frameIsIdr = false;
    for await (const sample of sink.pull({ copy: true })) {
      const data = sample.data!;
      const nal = data[12] & 0x1f;
      // x264's sliced threads put several slices in a frame: an IDR frame is one with an IDR slice.
      if (nal === 5 || (nal === 28 && (data[13] & 0x1f) === 5)) frameIsIdr = true;
      if (!(data[1] & 0x80)) continue; // the marker bit ends a frame
      if (frameIsIdr) idr++;
      frameIsIdr = false;
      frames++;
      if (frames === 10) assert(pay.requestKeyFrame(), "the force-key-unit event is handled");
      if (idr >= 2 || frames > 40) break;
    }
    assertEquals(idr, 2, "the first IDR, then the requested one");
    assert(frames > 10 && frames < 20, `the requested keyframe came within a few frames (frame ${frames})`);
  } finally {
    await pipeline.close();
  }
});

Deno.test("Pipeline throws GStreamer's message for a missing element", () => {
  assertThrows(() => new Pipeline("videotestsrc ! nosuchelement ! fakesink"), /no element "nosuchelement"/);
  try {
    new Pipeline("videotestsrc ! ! fakesink");
  } catch (error) {
    assert(error instanceof GstError);
    assertMatch(error.message, /syntax error/);
  }
});

Deno.test("Pipeline play throws the bus error when the source cannot start", async () => {
  const pipeline = new Pipeline("filesrc location=/nonexistent/file.mp4 ! fakesink");
  try {
    assertThrows(() => pipeline.play(), /Resource not found/);
  } finally {
    await pipeline.close();
  }
});

Deno.test("Pipeline watch delivers state changes and end of stream", async () => {
  const pipeline = new Pipeline(
    "videotestsrc num-buffers=5 ! capsfilter caps=video/x-raw,format=I420 ! fakesink name=out",
  );
  try {
    const events: string[] = [];
    const eos = Promise.withResolvers<void>();
    pipeline.watch((event) => {
      events.push(event.type);
      if (event.type === "eos") eos.resolve();
    });
    pipeline.play();
    await eos.promise;
    assert(events.includes("state"));
  } finally {
    await pipeline.close();
  }
});

Deno.test("Pipeline close is safe twice and after use", async () => {
  const pipeline = new Pipeline("videotestsrc ! fakesink");
  pipeline.play();
  await pipeline.close();
  await pipeline.close();
  assertThrows(() => pipeline.element("x"), /closed/);
});

Deno.test("hasElement tells registered factories from missing ones", () => {
  assert(hasElement("videotestsrc"));
  assert(!hasElement("nosuchelement"));
});

Deno.test("Pipeline repeatLastFrame shows a sink's last frame again, restamped, with an overlay drawn on it", async () => {
  // One black frame to the tap; the still goes through a text overlay to `out`.
  await using pipeline = new Pipeline(
    "videotestsrc is-live=true num-buffers=1 pattern=black ! video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! " +
      "appsink name=tap sync=false async=false enable-last-sample=true " +
      "appsrc name=still is-live=true do-timestamp=true format=time ! videoconvert ! " +
      'textoverlay text="RECONNECTING" font-desc="Sans 20" valignment=top ! video/x-raw,format=I420 ! ' +
      "appsink name=out sync=false async=false",
  );
  pipeline.watch(() => {});
  const tap = pipeline.appSink("tap");
  const out = pipeline.appSink("out");
  assertEquals(pipeline.repeatLastFrame("tap", "still"), false, "nothing shown yet");
  pipeline.play();
  for await (const _ of tap.pull()) break;
  assert(pipeline.repeatLastFrame("tap", "still"));
  for await (const frame of out.pull({ copyBytes: 160 * 40 })) {
    // Black luma is 16; the text lights up some of the top 40 rows.
    const bright = frame.data!.filter((y) => y > 128).length;
    assert(bright > 50, `${bright} bright pixels in the banner rows`);
    assert(frame.pts !== undefined, "restamped by the appsrc");
    break;
  }
});

Deno.test("AppSrc dropOldestBeyond keeps its queue bounded while nothing takes from it", async () => {
  await using pipeline = new Pipeline("appsrc name=src format=time ! fakesink name=sink");
  const src = pipeline.appSrc("src");
  const level = pipeline.element("src");
  assert(src.dropOldestBeyond({ buffers: 2 }));
  // Not playing: nothing drains the queue.
  for (let i = 0; i < 5; i++) src.push(new Uint8Array(100));
  assertEquals(Number(level.get("current-level-buffers")), 2);
});
