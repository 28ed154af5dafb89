/**
 * Receive-only viewers for the viewers table: N webrtcbin peers in this one process offer to
 * rov-server's /offer and count what arrives (access units after depayloading, packets and losses
 * from webrtcbin's statistics); nothing is decoded, so the server's cost per viewer is what shows.
 * fps counts the access units that arrive from the second second to the end: the first second
 * drains what a viewer's appsink held while the others connected (30.1 fps from a 30 fps source,
 * counted from the start).
 * Prints one JSON line: per viewer { fps, packetsPerS, lost }.
 * Usage: deno run -A bench/receive_viewers.ts http://127.0.0.1:PORT/offer COUNT SECONDS
 */
import { Pipeline } from "../lib/ffi/pipeline.ts";
import { GstReceiverSession } from "../lib/webrtc/gst_client.ts";
import { postOffer } from "../lib/signalling/offer_client.ts";

const [url, countText = "1", secondsText = "10"] = Deno.args;
const count = Number(countText);
const seconds = Number(secondsText);
const origin = new URL(url).origin;
const viewers = await Promise.all(Array.from({ length: count }, async () => {
  const pipeline = new Pipeline(
    "webrtcbin name=webrtc bundle-policy=max-bundle latency=0 webrtc. ! rtph264depay ! h264parse ! " +
      "appsink name=frames sync=false async=false max-buffers=100 drop=true enable-last-sample=false",
  );
  pipeline.play();
  const session = await GstReceiverSession.connect(
    pipeline.webrtcBin("webrtc"),
    (offer) => postOffer(url, offer),
    {
      ice: { addresses: ["127.0.0.1"], stun: false },
      control: origin,
      requestKeyFrame: () => {},
    },
  );
  return { pipeline, session, frames: 0, packets: 0, lost: 0 };
}));
const started = performance.now();
const settled = started + 1000;
const pulls = viewers.map(async (v) => {
  const stop = AbortSignal.timeout(seconds * 1000);
  for await (const _ of v.pipeline.appSink("frames").pull({ signal: stop })) {
    const now = performance.now();
    if (now >= settled && now < started + seconds * 1000) v.frames++;
  }
});
const tally = setInterval(() => {
  for (const v of viewers) {
    const t = v.session.traffic();
    v.packets += t.packets;
    v.lost += t.lost;
  }
}, 1000);
await Promise.all(pulls);
clearInterval(tally);
const elapsed = (performance.now() - started) / 1000;
for (const v of viewers) {
  const t = v.session.traffic();
  v.packets += t.packets;
  v.lost += t.lost;
}
console.log(JSON.stringify(viewers.map((v) => ({
  fps: Math.round(v.frames / (seconds - 1) * 10) / 10,
  packetsPerS: Math.round(v.packets / elapsed),
  lost: v.lost,
}))));
for (const v of viewers) {
  await v.session.close();
  await v.pipeline.close();
}
