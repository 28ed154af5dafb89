/**
 * Contender (c): the native baseline. The stamping source and the same encoder settings as
 * rov-server, RTP over loopback UDP between two GStreamer pipelines in this process, decoded by
 * avdec_h264; no werift, no signalling, no JavaScript on the media path (JS only makes and reads stamps).
 * Usage: deno run -A bench/baseline_pipeline.ts WIDTH HEIGHT FPS KBPS SECONDS OUT.jsonl
 */
import { Pipeline } from "../lib/ffi/pipeline.ts";
import { senderDescription } from "../lib/media/sender.ts";
import { receiverDescription } from "../lib/media/receiver.ts";
import { STAMP_APPSRC, StampSource } from "../lib/media/stamp_source.ts";
import { STAMP_HEIGHT, stampLatency } from "../lib/stats/pixel_stamp.ts";
import { freeUdpPort } from "../lib/free_port.ts";
import { JsonLines } from "../lib/stats/json_lines.ts";

const [width, height, fps, kbps, seconds] = Deno.args.slice(0, 5).map(Number);
const out = await JsonLines.create(Deno.args[5]);
const port = freeUdpPort();
const t0 = performance.now();
const receiver = new Pipeline(
  receiverDescription({
    input: { kind: "udp", address: "127.0.0.1", port },
    decoder: "avdec_h264",
    latencyMs: 0,
    lowLatency: true,
  }),
);
const sender = new Pipeline(senderDescription({
  source: "stamp",
  device: 0,
  width,
  height,
  fps,
  os: "linux",
  passthrough: false,
  lowLatency: true,
  encoder: { element: "x264enc", bitrateKbps: kbps, lowLatency: true, maxQuality: false },
  output: { kind: "udp", host: "127.0.0.1", port, ttl: 1 },
}));
const frames = receiver.appSink("frames");
receiver.play();
sender.play();
const stamps = new StampSource(sender.appSrc(STAMP_APPSRC), width, height);
stamps.start(fps);
let count = 0;
const end = performance.now() + seconds * 1000;
for await (const frame of frames.pull({ copyBytes: STAMP_HEIGHT * 7680 })) {
  const now = Date.now();
  if (count++ === 0) console.error(`first frame after ${Math.round(performance.now() - t0)} ms`);
  out.write({
    frame: count,
    at: now,
    latencyMs: frame.data ? stampLatency(frame.data, (width + 3) & ~3, now) : undefined,
  });
  if (performance.now() > end) break;
}
stamps.stop();
await sender.close();
await receiver.close();
await out.close();
