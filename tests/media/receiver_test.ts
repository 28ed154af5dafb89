import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { chooseDecoder, displaySinks, receiverDescription } from "../../lib/media/receiver.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";

Deno.test("receiverDescription passes packets at once with jitter-buffer latency 0 and slice-threaded decoding", () => {
  const text = receiverDescription({ decoder: "avdec", latencyMs: 0, lowLatency: true });
  assertMatch(
    text,
    /^appsrc name=rtp is-live=true do-timestamp=true format=time caps="application\/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96"/,
  );
  assertMatch(
    text,
    /rtpjitterbuffer latency=0 drop-on-latency=true ! rtph264depay ! h264parse ! avdec_h264 name=decoder thread-type=slice ! appsink name=frames/,
  );
});

Deno.test("receiverDescription with a window tees to the display, unsynchronised in low-latency mode", () => {
  const text = receiverDescription({ decoder: "avdec", latencyMs: 0, lowLatency: true, sink: "ximagesink" });
  assertMatch(
    text,
    /tee name=split .*appsink name=frames.*videoconvert ! ximagesink name=display sync=false$/,
  );
  const smooth = receiverDescription({
    decoder: "openh264",
    latencyMs: 200,
    lowLatency: false,
    sink: "ximagesink",
  });
  assertMatch(smooth, /rtpjitterbuffer latency=200 drop-on-latency=false/);
  assertMatch(smooth, /openh264dec name=decoder/);
  assertMatch(smooth, /sync=true$/);
});

Deno.test("chooseDecoder prefers avdec_h264", () => {
  assertEquals(chooseDecoder(() => true), "avdec");
  assertEquals(chooseDecoder((e) => e === "openh264dec"), "openh264");
  assertEquals(chooseDecoder(() => false), undefined);
});

Deno.test("displaySinks lists a native window sink per OS", () => {
  assertEquals(displaySinks("linux")[0], "ximagesink");
  assert(displaySinks("darwin").includes("osxvideosink"));
  assert(displaySinks("windows").includes("d3d11videosink"));
});

Deno.test("receiverDescription parses in GStreamer with and without a window", async () => {
  for (const sink of [undefined, "ximagesink"]) {
    const pipeline = new Pipeline(
      receiverDescription({ decoder: "avdec", latencyMs: 0, lowLatency: true, sink }),
    );
    await pipeline.close();
  }
});
