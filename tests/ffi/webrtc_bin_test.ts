import { assert, assertEquals, assertMatch, assertRejects } from "../support/assert.ts";
import { Pipeline } from "../../lib/ffi/pipeline.ts";

const SENDER = "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! " +
  "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! video/x-h264,profile=constrained-baseline ! " +
  "h264parse config-interval=-1 ! tee name=fan allow-not-linked=true";
const RTP_CAPS = "application/x-rtp,media=video,encoding-name=H264,clock-rate=90000";

function branch(pt: number): string {
  return `queue leaky=downstream max-size-buffers=30 max-size-bytes=0 max-size-time=0 ! ` +
    `rtph264pay pt=${pt} config-interval=-1 aggregate-mode=zero-latency ! ${RTP_CAPS},payload=${pt} ! ` +
    `webrtcbin name=w bundle-policy=max-bundle`;
}

function receiver(): Pipeline {
  return new Pipeline(
    "webrtcbin name=w bundle-policy=max-bundle latency=0 w. ! rtph264depay ! h264parse ! avdec_h264 ! " +
      "appsink name=frames sync=false max-buffers=5 drop=true",
  );
}

/** Receiver offers, a new branch of the running sender answers; resolves with the receiver's webrtcbin. */
async function connect(sender: Pipeline, client: Pipeline, pt = 96) {
  const viewer = client.webrtcBin("w");
  viewer.restrictIce(["127.0.0.1"]);
  viewer.addTransceiver("recvonly", `${RTP_CAPS},payload=${pt}`);
  client.play();
  const offer = await viewer.createOffer();
  await viewer.setLocalDescription(offer);
  await viewer.gathered();
  const sent = sender.addBranch("fan", branch(pt));
  const answerer = sent.webrtcBin("w");
  answerer.restrictIce(["127.0.0.1"]);
  await answerer.setRemoteDescription(viewer.localDescription()!);
  const answer = await answerer.createAnswer();
  await answerer.setLocalDescription(answer);
  await answerer.gathered();
  const full = answerer.localDescription()!;
  assertEquals(full.type, "answer");
  await viewer.setRemoteDescription(full);
  return { viewer, answerer, branch: sent, answer: full.sdp };
}

async function frames(client: Pipeline, count: number, timeoutMs = 8000): Promise<number> {
  const sink = client.appSink("frames");
  const deadline = AbortSignal.timeout(timeoutMs);
  let n = 0;
  for await (const _ of sink.pull({ signal: deadline })) if (++n >= count) break;
  return n;
}

Deno.test("WebRtcBin answers a real offer with the offered payload type and loopback candidates only", async () => {
  const sender = new Pipeline(SENDER);
  const client = receiver();
  try {
    sender.play();
    const { answer } = await connect(sender, client, 102);
    assertMatch(answer, /a=rtpmap:102 H264\/90000/);
    const candidates = answer.split(/\r?\n/).filter((l) => l.startsWith("a=candidate"));
    assert(candidates.length > 0, "the answer carries its candidates");
    for (const line of candidates) assertMatch(line, / 127\.0\.0\.1 \d+ typ host/);
    for (const line of candidates) assertMatch(line, / UDP /i);
    assertEquals(await frames(client, 20), 20);
  } finally {
    await client.close();
    await sender.close();
  }
});

Deno.test("WebRtcBin stats read back as plain data with packet counts", async () => {
  const sender = new Pipeline(SENDER);
  const client = receiver();
  try {
    sender.play();
    const { viewer, answerer } = await connect(sender, client);
    await frames(client, 15);
    const received = Object.values(await viewer.stats()).find((s) =>
      typeof s === "object" && s !== null && s.type === "inbound-rtp"
    ) as Record<string, unknown> | undefined;
    assert(received, "an inbound-rtp statistic");
    assert(Number(received["packets-received"]) > 0);
    const sent = Object.values(await answerer.stats()).find((s) =>
      typeof s === "object" && s !== null && s.type === "outbound-rtp"
    ) as Record<string, unknown> | undefined;
    assert(sent && Number(sent["packets-sent"]) > 0, "an outbound-rtp statistic with packets");
    assertEquals(answerer.connectionState, "connected");
  } finally {
    await client.close();
    await sender.close();
  }
});

Deno.test("WebRtcBin.setJitterBufferProperty reaches the jitter buffer of each incoming stream", async () => {
  const sender = new Pipeline(SENDER);
  const client = receiver();
  try {
    sender.play();
    const { viewer } = await connect(sender, client);
    assertEquals(viewer.setJitterBufferProperty("rtx-retry-timeout", 5), 0, "none before the first packet");
    await frames(client, 3);
    const count = viewer.setJitterBufferProperty("rtx-retry-timeout", 5);
    assert(count >= 1, "one per incoming stream");
    assertEquals(viewer.jitterBufferProperty("rtx-retry-timeout"), Array(count).fill(5));
  } finally {
    await client.close();
    await sender.close();
  }
});

Deno.test("WebRtcBin.setReceiveBuffer enlarges the selected pair's socket once connected", async () => {
  const sender = new Pipeline(SENDER);
  const client = receiver();
  try {
    sender.play();
    const { viewer } = await connect(sender, client);
    await frames(client, 3);
    const max = Number(Deno.readTextFileSync("/proc/sys/net/core/rmem_max").trim());
    const granted = viewer.setReceiveBuffer(1024 * 1024);
    assert(granted !== undefined, "a selected socket");
    // Linux grants twice what it is asked for, up to twice net.core.rmem_max.
    assertEquals(granted, 2 * Math.min(1024 * 1024, max));
  } finally {
    await client.close();
    await sender.close();
  }
});

Deno.test("Pipeline.addBranch adds a second viewer while the first plays, and removing it leaves the first", async () => {
  const sender = new Pipeline(SENDER);
  const first = receiver();
  const second = receiver();
  try {
    sender.play();
    await connect(sender, first);
    assertEquals(await frames(first, 10), 10);
    const other = await connect(sender, second);
    assertEquals(await frames(second, 10), 10);
    await sender.removeBranch(other.branch);
    assertEquals(await frames(first, 20), 20, "the first viewer still gets frames");
  } finally {
    await first.close();
    await second.close();
    await sender.close();
  }
});

Deno.test("WebRtcBin rejects an SDP that does not parse", async () => {
  const sender = new Pipeline(SENDER);
  try {
    const sent = sender.addBranch("fan", branch(96));
    const answerer = sent.webrtcBin("w");
    await assertRejects(
      () => answerer.setRemoteDescription({ type: "offer", sdp: "not sdp" }),
      /Cannot set remote description: .+/,
    );
  } finally {
    await sender.close();
  }
});

Deno.test("Pipeline.addBranch serves a new viewer after an earlier one was removed", async () => {
  const sender = new Pipeline(SENDER);
  const first = receiver();
  const second = receiver();
  try {
    sender.play();
    const one = await connect(sender, first);
    assertEquals(await frames(first, 10), 10);
    await sender.removeBranch(one.branch);
    await first.close();
    await connect(sender, second);
    assertEquals(await frames(second, 10), 10, "the later viewer gets frames");
  } finally {
    await first.close();
    await second.close();
    await sender.close();
  }
});
