import { assert, assertEquals, assertMatch, assertThrows } from "../support/assert.ts";
import {
  FORWARD_RTCP_SINK,
  forwardBranchDescription,
  rtpBranchDescription,
  senderDescription,
  sourceBranchDescription,
} from "../../lib/media/sender.ts";
import {
  cameraElement,
  isRestartable,
  quote,
  rawCaps,
  sourceDescription,
  type SourceOptions,
} from "../../lib/media/source.ts";
import { ENCODER_ELEMENTS, encoderDescription, encoderOf, encoderProfile } from "../../lib/media/encoder.ts";
import { type SenderOptions } from "../../lib/media/sender.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";

const base: SourceOptions = { source: "test", device: 0, width: 1280, height: 720, fps: 30, os: "linux" };

Deno.test("sourceDescription takes the test picture from JavaScript like the stamp source, 1080p when native", () => {
  assertMatch(
    sourceDescription(base),
    /^appsrc name=frames is-live=true do-timestamp=true format=time caps="video\/x-raw,format=I420,width=1280,height=720,framerate=30\/1"$/,
  );
  assertMatch(sourceDescription({ ...base, width: 0, height: 0 }), /width=1920,height=1080/);
  assertMatch(sourceDescription({ ...base, source: "stamp", width: 0, height: 0 }), /width=1280,height=720/);
});

Deno.test("sourceDescription opens the camera of each OS by index", () => {
  assertEquals(cameraElement("linux", 2), "v4l2src device=/dev/video2");
  assertEquals(cameraElement("darwin", 1), "avfvideosrc device-index=1");
  assertEquals(cameraElement("windows", 0), "mfvideosrc device-index=0");
  assertMatch(
    sourceDescription({ ...base, source: "webcam", device: 3 }),
    /^v4l2src device=\/dev\/video3 ! decodebin/,
  );
});

Deno.test("sourceDescription paces a file in real time, in one segment, and quotes its path", () => {
  const text = sourceDescription({ ...base, source: "file", file: '/videos/dive "one".mp4' });
  assertMatch(text, /^filesrc location="\/videos\/dive \\"one\\".mp4" ! decodebin/);
  assertMatch(text, /clocksync ! identity name=filesegment single-segment=true$/);
  assertThrows(() => sourceDescription({ ...base, source: "file" }), /--file PATH is missing/);
  assertEquals(quote("a\\b"), '"a\\\\b"');
});

Deno.test("rawCaps leaves the size to the source when it is 0", () => {
  assertEquals(rawCaps(0, 0, 25), "video/x-raw,format=I420,framerate=25/1");
  assertEquals(rawCaps(640, 480, 30), "video/x-raw,format=I420,width=640,height=480,framerate=30/1");
});

const enc = { bitrateKbps: 6000, fps: 30, width: 1280, height: 720, lowLatency: true, maxQuality: false };

Deno.test("encoderDescription sets x264 for zero latency, no B-frames and the bitrate", () => {
  const text = encoderDescription({ ...enc, element: "x264enc" });
  for (
    const part of [
      "tune=zerolatency",
      "bframes=0",
      "bitrate=6000",
      "key-int-max=60",
      "speed-preset=ultrafast",
    ]
  ) {
    assert(text.includes(part), `${part} in ${text}`);
  }
  assertMatch(text, /video\/x-h264,profile=constrained-baseline$/);
});

Deno.test("encoderDescription without low latency keeps B-frames off and allows lookahead", () => {
  const text = encoderDescription({ ...enc, element: "x264enc", lowLatency: false, maxQuality: true });
  assert(!text.includes("zerolatency"));
  assert(text.includes("bframes=0"));
  assert(text.includes("rc-lookahead=10"));
  assertMatch(text, /profile=high$/);
});

Deno.test("encoderDescription gives every hardware encoder low-latency CBR, no B-frames, the GOP and bitrate", () => {
  const expected: Record<string, RegExp[]> = {
    nvh264enc: [
      /preset=low-latency-hp/,
      /rc-mode=cbr/,
      /bitrate=6000 /,
      /gop-size=60/,
      /bframes=0/,
      /zerolatency=true/,
    ],
    nvv4l2h264enc: [
      /^nvvidconv ! video\/x-raw\(memory:NVMM\)/,
      /bitrate=6000000/,
      /control-rate=1/,
      /iframeinterval=60/,
      /insert-sps-pps=true/,
    ],
    vah264enc: [/rate-control=cbr/, /bitrate=6000 /, /key-int-max=60/, /b-frames=0/, /target-usage=7/],
    vaapih264enc: [/rate-control=cbr/, /bitrate=6000 /, /keyframe-period=60/, /max-bframes=0/],
    v4l2h264enc: [
      /video_bitrate=6000000/,
      /h264_i_frame_period=60/,
      /repeat_sequence_header=1/,
      /level=\(string\)3\.1/,
    ],
    openh264enc: [/bitrate=6000000/, /gop-size=60/, /rate-control=bitrate/],
  };
  for (const [element, patterns] of Object.entries(expected)) {
    const text = encoderDescription({ ...enc, element });
    for (const pattern of patterns) assertMatch(text, pattern, element);
    assert(text.includes("name=encoder"), element);
  }
  assertThrows(() => encoderDescription({ ...enc, element: "nosuchenc" }), /Unknown H.264 encoder element/);
});

Deno.test("encoderOf and encoderProfile know every element", () => {
  for (const [name, elements] of Object.entries(ENCODER_ELEMENTS)) {
    for (const element of elements) assertEquals(encoderOf(element), name);
  }
  assertEquals(encoderProfile({ element: "x264enc", maxQuality: true }), "high");
  assertEquals(encoderProfile({ element: "nvh264enc", maxQuality: true }), "constrained-baseline");
});

const sender: SenderOptions = {
  ...base,
  encoder: { element: "x264enc", bitrateKbps: 4000, lowLatency: true, maxQuality: false },
  passthrough: false,
  lowLatency: true,
  output: { kind: "appsink" },
};

Deno.test("senderDescription drops frames instead of queueing in low-latency mode", () => {
  const text = senderDescription(sender);
  assertMatch(text, /queue max-size-buffers=1 .*leaky=downstream ! videoconvert ! x264enc/);
  assertMatch(
    text,
    /rtph264pay name=pay pt=96 mtu=1200 config-interval=-1 aggregate-mode=zero-latency ! appsink name=rtp sync=false/,
  );
  assert(!senderDescription({ ...sender, lowLatency: false }).includes("leaky"));
});

Deno.test("senderDescription ends in udpsink for the RTP transport: multicast TTL 1 on a chosen interface", () => {
  const text = senderDescription({
    ...sender,
    output: { kind: "udp", host: "239.255.0.1", port: 5004, ttl: 1, multicastInterface: "eth1" },
  });
  const udp = "host=239.255.0.1 ttl-mc=1 auto-multicast=true multicast-iface=eth1 sync=false async=false";
  assertMatch(text, /rtph264pay .* ! session\.send_rtp_sink rtpsession name=session /);
  assert(text.includes(`session.send_rtp_src ! udpsink name=rtp ${udp} port=5004 `), text);
  assert(!text.includes("appsink"));
});

Deno.test("senderDescription sends RTCP sender reports with capture-time NTP on the next port up", () => {
  const text = senderDescription({
    ...sender,
    output: { kind: "udp", host: "127.0.0.1", port: 5600, ttl: 1 },
  });
  assertMatch(text, /rtpsession name=session ntp-time-source=ntp rtcp-sync-send-time=false /);
  assertMatch(text, /session\.send_rtcp_src ! udpsink name=rtcp host=127\.0\.0\.1 .* port=5601$/);
});

Deno.test("senderDescription passes a file's H.264 through without decoding or encoding", () => {
  const text = senderDescription({
    ...sender,
    source: "file",
    file: "/v/dive.mp4",
    passthrough: true,
    encoder: undefined,
  });
  assertMatch(
    text,
    /^filesrc location="\/v\/dive.mp4" ! parsebin ! h264parse config-interval=-1 ! video\/x-h264,stream-format=byte-stream,alignment=au ! clocksync ! identity name=filesegment single-segment=true ! rtph264pay/,
  );
  for (const word of ["decodebin", "x264enc", "videoconvert", "encoder"]) assert(!text.includes(word), word);
  assertThrows(
    () => senderDescription({ ...sender, passthrough: true, file: undefined }),
    /without --file PATH/,
  );
});

Deno.test("senderDescription parses in GStreamer for every source, output and software encoder", async () => {
  const outputs = [{ kind: "appsink" as const }, {
    kind: "udp" as const,
    host: "127.0.0.1",
    port: 5004,
    ttl: 1,
  }];
  for (const source of ["test", "webcam", "file"] as const) {
    for (const element of ["x264enc", "openh264enc"]) {
      for (const output of outputs) {
        const text = senderDescription({
          ...sender,
          source,
          file: "/tmp/x.mp4",
          encoder: { ...sender.encoder!, element },
          output,
        });
        await new Pipeline(text).close();
      }
    }
  }
  await new Pipeline(senderDescription({ ...sender, source: "file", file: "/tmp/x.mp4", passthrough: true }))
    .close();
});

/** A --pipeline source, encoded once, to the tee. */
const pipelineSender: SenderOptions = {
  ...base,
  source: "pipeline",
  pipeline: "videotestsrc is-live=true",
  encoder: { element: "x264enc", bitrateKbps: 2000, lowLatency: true, maxQuality: false },
  passthrough: false,
  lowLatency: true,
  output: { kind: "tee" },
};

Deno.test("senderDescription keeps a camera or --pipeline source and its encoder apart, behind a funnel with an idle input", () => {
  const options = pipelineSender;
  const description = senderDescription(options);
  assertMatch(description, /^funnel name=source_in ! h264parse config-interval=-1 ! /);
  assertMatch(description, /appsrc name=source_hold is-live=true format=time ! source_in\.$/);
  assert(!description.includes("videotestsrc") && !description.includes("x264enc"), description);
  // The encoder is restarted with the source: an encoder that fails does not end the stream.
  const source = sourceBranchDescription(options);
  assertMatch(
    source,
    /^videotestsrc is-live=true ! decodebin ! .* ! queue max-size-buffers=1 .*leaky=downstream ! videoconvert ! x264enc name=encoder .* ! capsfilter name=source_out$/,
  );
  // A file, or the server's own picture, stays in the pipeline.
  assert(!senderDescription({ ...options, source: "test" }).includes("funnel"));
  assert(isRestartable("webcam") && isRestartable("pipeline") && !isRestartable("file"));
});

Deno.test("senderDescription builds and links with a source bin added in front of the funnel", async () => {
  const options: SenderOptions = {
    ...pipelineSender,
    width: 160,
    height: 120,
    pipeline: "videotestsrc is-live=true num-buffers=5",
    encoder: { element: "x264enc", bitrateKbps: 500, lowLatency: true, maxQuality: false },
  };
  await using pipeline = new Pipeline(senderDescription(options));
  pipeline.play();
  const branch = pipeline.addSource("source_in", sourceBranchDescription(options), "source_out", {
    requested: true,
    prefix: "source",
  });
  assertMatch(branch.name, /^source\d+$/);
  const sink = pipeline.appSink("rtp");
  let units = 0;
  for await (const _ of sink.pull()) if (++units >= 3) break;
  assert(units >= 3);
  await pipeline.removeBranch(branch);
});

Deno.test("senderDescription passes an RTSP camera's H.264 to the tee with no encoder, behind the restartable funnel", () => {
  const camera = {
    ...sender,
    source: "rtsp" as const,
    url: "rtsp://10.0.0.5:554/stream1",
    passthrough: true,
  };
  const text = senderDescription({ ...camera, output: { kind: "tee" } });
  assertMatch(
    text,
    /^funnel name=source_in ! h264parse config-interval=-1 ! video\/x-h264,stream-format=byte-stream/,
  );
  assert(!/enc\b|decodebin/.test(text), text);
  assertMatch(
    sourceBranchDescription(camera),
    /^rtspsrc location="rtsp:\/\/10\.0\.0\.5:554\/stream1" latency=0 .* ! rtph264depay ! h264parse/,
  );
  // Re-encoded (--encoder given): decoded whatever the camera sends.
  assertMatch(
    sourceBranchDescription({ ...camera, passthrough: false }),
    /^rtspsrc .* ! decodebin ! videoconvert/,
  );
});

Deno.test("rtpBranchDescription sends RTCP by UDP to the port above; forwardBranchDescription hands it to JavaScript", async () => {
  const destination = { kind: "udp", host: "127.0.0.1", port: 5600, ttl: 1 } as const;
  const rtp = rtpBranchDescription(destination);
  assertMatch(rtp, /session\.send_rtcp_src ! udpsink name=rtcp host=127\.0\.0\.1 .*port=5601/);
  const forward = forwardBranchDescription(destination);
  assertMatch(forward, /session\.send_rtp_src ! udpsink name=rtp_out host=127\.0\.0\.1 .*port=5600/);
  assertMatch(forward, new RegExp(`session\\.send_rtcp_src ! appsink name=${FORWARD_RTCP_SINK} .*drop=true`));
  assert(!/port=5601/.test(forward), "no UDP sink of its own for RTCP");
  // Both parse as GStreamer builds them (behind the tee's H.264).
  for (const description of [rtp, forward]) await new Pipeline(`fakesrc ! ${description}`).close();
});
