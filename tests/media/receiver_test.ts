import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  DECODER_ELEMENTS,
  displaySinks,
  isMulticast,
  jitterLatencyMs,
  receiverDescription,
  type ReceiverOptions,
  reorderWaitMs,
  webrtcSourceDescription,
} from "../../lib/media/receiver.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";

const base: ReceiverOptions = {
  input: { kind: "appsrc" },
  decoder: "avdec_h264",
  latencyMs: 0,
  lowLatency: true,
};

Deno.test("receiverDescription passes packets at once with jitter-buffer latency 0 and slice-threaded decoding", () => {
  const text = receiverDescription(base);
  assertMatch(
    text,
    /^appsrc name=rtp is-live=true do-timestamp=true format=time caps="application\/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96"/,
  );
  assertMatch(
    text,
    /rtpjitterbuffer name=jitter latency=0 drop-on-latency=true mode=none ! rtph264depay wait-for-keyframe=true ! h264parse name=parse ! tee name=units_tee ! avdec_h264 name=decoder thread-type=slice ! appsink name=frames/,
  );
});

Deno.test("receiverDescription with a window tees to the display, unsynchronised in low-latency mode", () => {
  const text = receiverDescription({ ...base, sink: "ximagesink" });
  assertMatch(
    text,
    /tee name=split .*appsink name=frames.*funnel name=screen ! videoconvert ! textoverlay name=banner silent=true .* ! ximagesink name=display sync=false async=false appsrc name=still .* ! screen\. units_tee\. ! queue .*leaky=downstream ! appsink name=units /,
  );
  // The tap keeps the last frame only when there is a window to show it again in.
  assertMatch(text, /appsink name=frames [^!]*enable-last-sample=true/);
  assertMatch(receiverDescription(base), /appsink name=frames [^!]*enable-last-sample=false/);
  const smooth = receiverDescription({
    ...base,
    decoder: "openh264dec",
    latencyMs: 200,
    lowLatency: false,
    sink: "ximagesink",
  });
  assertMatch(smooth, /rtpjitterbuffer name=jitter latency=200 drop-on-latency=false/);
  assertMatch(smooth, /openh264dec name=decoder/);
  assertMatch(smooth, /sync=true async=false /);
});

Deno.test("receiverDescription reads RTP from UDP itself: joins a multicast group, or listens for unicast", () => {
  const multicast = receiverDescription({
    ...base,
    input: { kind: "udp", address: "239.255.0.1", port: 5004, multicastInterface: "veth1" },
  });
  assertMatch(
    multicast,
    /^udpsrc name=rtp address=239.255.0.1 auto-multicast=true multicast-iface=veth1 port=5004 buffer-size=4194304 caps="application\/x-rtp/,
  );
  const unicast = receiverDescription({ ...base, input: { kind: "udp", address: "0.0.0.0", port: 5600 } });
  assertMatch(unicast, /^udpsrc name=rtp address=0.0.0.0 port=5600/);
  // RTCP sender reports from the port above go to the jitter buffer, which stamps frames with them.
  assertMatch(
    multicast,
    / udpsrc name=rtcp address=239.255.0.1 auto-multicast=true multicast-iface=veth1 port=5005 .*caps="application\/x-rtcp" ! jitter\.sink_rtcp$/,
  );
  assertMatch(unicast, /rtpjitterbuffer name=jitter .*add-reference-timestamp-meta=true/);
  assert(
    isMulticast("239.255.0.1") && isMulticast("224.0.0.251") && !isMulticast("127.0.0.1") &&
      !isMulticast("240.0.0.1"),
  );
});

Deno.test("receiverDescription names every hardware decoder", () => {
  for (const elements of Object.values(DECODER_ELEMENTS)) {
    for (const element of elements) {
      assertMatch(receiverDescription({ ...base, decoder: element }), new RegExp(`${element} name=decoder`));
    }
  }
  assertMatch(
    receiverDescription({ ...base, decoder: "nvv4l2decoder" }),
    /nvv4l2decoder name=decoder ! nvvidconv ! appsink/,
  );
});

Deno.test("displaySinks lists a native window sink per OS", () => {
  assertEquals(displaySinks("linux")[0], "ximagesink");
  assert(displaySinks("darwin").includes("osxvideosink"));
  assert(displaySinks("windows").includes("d3d11videosink"));
});

Deno.test("receiverDescription parses in GStreamer with and without a window, from appsrc and UDP", async () => {
  for (const sink of [undefined, "ximagesink"]) {
    for (
      const input of [{ kind: "appsrc" as const }, { kind: "udp" as const, address: "127.0.0.1", port: 5004 }]
    ) {
      await new Pipeline(receiverDescription({ ...base, input, sink })).close();
    }
  }
});

Deno.test("receiverDescription for webrtcbin starts at a funnel before the parser; each session's source ends at the depayloader", () => {
  const description = receiverDescription({ ...base, input: { kind: "webrtc" } });
  assertMatch(
    description,
    /^funnel name=sessions ! h264parse name=parse ! tee name=units_tee ! avdec_h264 name=decoder/,
  );
  assert(!description.includes("webrtcbin"), "the session's webrtcbin is added later");
  const source = webrtcSourceDescription({ latencyMs: 0 });
  assertMatch(source, /^webrtcbin name=webrtc .*latency=0 webrtc\. ! rtph264depay name=depay /);
});

Deno.test("receiverDescription and webrtcSourceDescription start every stream at a keyframe", () => {
  for (const input of [{ kind: "appsrc" }, { kind: "udp", address: "127.0.0.1", port: 5004 }] as const) {
    assertMatch(receiverDescription({ ...base, input }), /rtph264depay wait-for-keyframe=true ! h264parse/);
  }
  assertMatch(webrtcSourceDescription({ latencyMs: 0 }), /rtph264depay name=depay .*wait-for-keyframe=true/);
});

Deno.test("jitterLatencyMs waits for a retransmission only where NACK repairs and the jitter buffer can wait", () => {
  assertEquals(jitterLatencyMs("webrtc", true), 40);
  assertEquals(jitterLatencyMs("appsrc", true), 0);
  assertEquals(jitterLatencyMs("appsrc", true, 80), 0, "werift's packets wait in JavaScript instead");
  assertEquals(jitterLatencyMs("appsrc", false), 200);
  assertEquals(jitterLatencyMs("udp", true), 0);
  assertEquals(jitterLatencyMs("webrtc", false), 200);
  assertEquals(jitterLatencyMs("webrtc", true, 0), 0);
});

Deno.test("reorderWaitMs gives werift's packets webrtcbin's wait in low-latency mode only", () => {
  assertEquals(reorderWaitMs(true), 40);
  assertEquals(reorderWaitMs(true, 80), 80);
  assertEquals(reorderWaitMs(false), 0, "the 200 ms jitter buffer waits");
});
