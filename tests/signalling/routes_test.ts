import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  CLOCK_PATH,
  KEYFRAME_PATH,
  latencyPath,
  parseClockReply,
} from "../../lib/signalling/clock_exchange.ts";
import { wallClockMs } from "../../lib/wall_clock.ts";
import { viewerPage } from "../../lib/web/assets.ts";
import { type SignallingBackend, signallingHandler } from "../../lib/signalling/routes.ts";
import { OfferRateLimit } from "../../lib/signalling/offer_rate_limit.ts";
import { SignallingError } from "../../lib/signalling/session_description.ts";
import { OFFER_SDP } from "./session_description_test.ts";

/** A backend that answers every offer with a fixed SDP and records hang-ups. */
function backend(): SignallingBackend & { hungUp: string[]; keyFrames: number; reports: unknown[] } {
  const hungUp: string[] = [];
  const reports: unknown[] = [];
  return {
    hungUp,
    reports,
    keyFrames: 0,
    reportRtpLatency(id, latency) {
      reports.push({ id, ...latency });
    },
    requestKeyFrame() {
      this.keyFrames++;
    },
    answer(offer) {
      if (offer.includes("H265")) {
        return Promise.reject(new SignallingError(400, "Offer has no usable H.264 video"));
      }
      return Promise.resolve({ id: "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11", answer: "v=0\r\nanswer" });
    },
    hangUp(id) {
      hungUp.push(id);
      return Promise.resolve(id === "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11");
    },
    status: () => ({ viewers: [] }),
  };
}

const BASE = "http://rov:8080";

function post(path: string, body: BodyInit, type: string): Request {
  return new Request(BASE + path, { method: "POST", body, headers: { "content-type": type } });
}

Deno.test("signallingHandler answers POST /offer with a JSON answer carrying the viewer's id", async () => {
  const handle = signallingHandler(backend());
  const response = await handle(
    post("/offer", JSON.stringify({ sdp: OFFER_SDP, type: "offer" }), "application/json"),
  );
  assertEquals(response.status, 200);
  const answer = await response.json();
  assertEquals(answer.sdp, "v=0\r\nanswer");
  assertEquals(answer.type, "answer");
  assertEquals(answer.id, "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11");
});

Deno.test("signallingHandler speaks WHEP: 201 with Location, DELETE ends the session", async () => {
  const b = backend();
  const handle = signallingHandler(b);
  const response = await handle(post("/whep", OFFER_SDP, "application/sdp"));
  assertEquals(response.status, 201);
  assertEquals(response.headers.get("content-type"), "application/sdp");
  const location = response.headers.get("location")!;
  assertEquals(location, "/whep/0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11");
  assertEquals(await response.text(), "v=0\r\nanswer");
  assertEquals((await handle(new Request(BASE + location, { method: "DELETE" }))).status, 200);
  assertEquals((await handle(new Request(BASE + "/whep/ffff", { method: "DELETE" }))).status, 404);
  assertEquals(b.hungUp.length, 2);
});

Deno.test("signallingHandler refuses bad requests with 4xx and a reason", async () => {
  const handle = signallingHandler(backend());
  const cases: [Request, number, RegExp][] = [
    [post("/offer", "{", "application/json"), 400, /Malformed JSON/],
    [
      post("/offer", JSON.stringify({ sdp: OFFER_SDP, type: "offer" }), "text/plain"),
      415,
      /Expected Content-Type application\/json/,
    ],
    [post("/whep", OFFER_SDP, "application/json"), 415, /application\/sdp/],
    [post("/whep", "garbage", "application/sdp"), 400, /Malformed SDP offer/],
    [post("/whep", OFFER_SDP.replace("H264", "H265"), "application/sdp"), 400, /no usable H.264/],
    [post("/offer", "x".repeat(70_000), "application/json"), 413, /larger than 65536 bytes/],
    [new Request(BASE + "/offer"), 405, /use POST/],
    [new Request(BASE + "/api/status", { method: "POST" }), 405, /use GET/],
    [new Request(BASE + "/nothing"), 404, /Not found/],
  ];
  for (const [request, status, pattern] of cases) {
    const response = await handle(request);
    assertEquals(response.status, status, `${request.method} ${request.url}`);
    assertMatch(await response.text(), pattern);
  }
});

Deno.test("signallingHandler limits a streamed body without a Content-Length", async () => {
  const handle = signallingHandler(backend());
  const chunk = new Uint8Array(16 * 1024).fill(120);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < 100) controller.enqueue(chunk);
      else controller.close();
    },
  });
  const response = await handle(post("/offer", body, "application/json"));
  assertEquals(response.status, 413);
  await response.body?.cancel();
  if (sent > 10) throw new Error(`read ${sent} chunks after the limit`);
});

Deno.test("signallingHandler serves status and health, with CORS for browsers", async () => {
  const handle = signallingHandler(backend());
  const status = await handle(new Request(BASE + "/api/status"));
  assertEquals(await status.json(), { viewers: [] });
  assertEquals(status.headers.get("access-control-allow-origin"), "*");
  assertEquals(await (await handle(new Request(BASE + "/healthz"))).text(), "ok\n");
  assertEquals((await handle(new Request(BASE + "/whep", { method: "OPTIONS" }))).status, 204);
});

Deno.test("signallingHandler answers GET /api/clock with the server's wall clock at receiving and answering", async () => {
  const before = wallClockMs();
  const response = await signallingHandler(backend())(new Request(BASE + CLOCK_PATH));
  const after = wallClockMs();
  assertEquals(response.status, 200);
  const reply = parseClockReply(await response.text());
  assert(before <= reply.t1 && reply.t1 <= reply.t2 && reply.t2 <= after, JSON.stringify(reply));
  assertEquals((await signallingHandler(backend())(post(CLOCK_PATH, "", "text/plain"))).status, 405);
});

Deno.test("signallingHandler passes POST /api/keyframe to the backend and answers 204", async () => {
  const b = backend();
  const response = await signallingHandler(b)(post(KEYFRAME_PATH, "", "text/plain"));
  assertEquals(response.status, 204);
  assertEquals(b.keyFrames, 1);
  assertEquals((await signallingHandler(b)(new Request(BASE + KEYFRAME_PATH))).status, 405);
  assertEquals(b.keyFrames, 1);
});

Deno.test("signallingHandler takes an RTP viewer's latency report and refuses malformed ones with 400", async () => {
  const b = backend();
  const handle = signallingHandler(b);
  const path = latencyPath("0d9c6f38-6f0e");
  const ok = await handle(
    post(path, '{"t":"latency","p50":8.5,"p95":12,"frames":300,"damaged":3}', "application/json"),
  );
  assertEquals(ok.status, 204);
  assertEquals(b.reports, [{ id: "0d9c6f38-6f0e", p50: 8.5, p95: 12, frames: 300, damaged: 3 }]);
  for (const body of ['{"t":"ping","c0":1}', '{"t":"latency","p50":"x","p95":1}', "nope"]) {
    const response = await handle(post(path, body, "application/json"));
    assertEquals(response.status, 400, body);
    assertEquals((await response.text()).split("\n").length, 2, "one line");
  }
  assertEquals((await handle(post(path, "{}", "text/plain"))).status, 415);
  assertEquals(
    (await handle(post("/api/rtp-viewers/NOT_HEX/latency", "{}", "application/json"))).status,
    404,
  );
  assertEquals(b.reports.length, 1);
});

Deno.test("signallingHandler serves the browser viewer at / when the server has one", async () => {
  const page = await viewerPage();
  const response = await signallingHandler({ ...backend(), viewerPage: page })(new Request(BASE + "/"));
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "text/html; charset=utf-8");
  assertMatch(await response.text(), /api\(whepUrl, \{\s*method: "POST"/);
  assertEquals((await signallingHandler(backend())(new Request(BASE + "/"))).status, 404);
});

Deno.test("signallingHandler answers GET /api/viewers/<id>: 200 for a viewer it has, 404 otherwise", async () => {
  const known = "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11";
  const handle = signallingHandler({ ...backend(), hasViewer: (id) => id === known });
  assertEquals((await handle(new Request(`${BASE}/api/viewers/${known}`))).status, 200);
  const gone = await handle(new Request(`${BASE}/api/viewers/1234`));
  assertEquals(gone.status, 404);
  assertMatch(await gone.text(), /No such viewer/);
  assertEquals((await handle(new Request(`${BASE}/api/viewers/${known}`, { method: "POST" }))).status, 405);
});

Deno.test("signallingHandler turns a SignallingError's retry time into Retry-After", async () => {
  const busy = {
    ...backend(),
    answer: () => Promise.reject(new SignallingError(503, "At most 1 viewers", { retryAfterS: 5 })),
  };
  const response = await signallingHandler(busy)(
    post("/offer", JSON.stringify({ sdp: OFFER_SDP, type: "offer" }), "application/json"),
  );
  assertEquals(response.status, 503);
  assertEquals(response.headers.get("retry-after"), "5");
  await response.body?.cancel();
});

Deno.test("signallingHandler answers too many offers from one address with 429 and Retry-After", async () => {
  const offerRate = new OfferRateLimit({ burst: 2, perSecond: 1, now: () => 0 });
  const handle = signallingHandler(backend(), { offerRate });
  const from = (hostname: string) => ({ remoteAddr: { transport: "tcp" as const, hostname, port: 5000 } });
  const offer = () => post("/offer", JSON.stringify({ sdp: OFFER_SDP, type: "offer" }), "application/json");
  assertEquals((await handle(offer(), from("192.0.2.7"))).status, 200);
  assertEquals((await handle(post("/whep", OFFER_SDP, "application/sdp"), from("192.0.2.7"))).status, 201);
  const refused = await handle(offer(), from("192.0.2.7"));
  assertEquals(refused.status, 429);
  assertEquals(refused.headers.get("retry-after"), "1");
  assertMatch(await refused.text(), /Too many offers from 192\.0\.2\.7/);
  // Another address, and everything but offers, are not held back.
  assertEquals((await handle(offer(), from("192.0.2.8"))).status, 200);
  assertEquals((await handle(new Request(BASE + "/api/status"), from("192.0.2.7"))).status, 200);
});

Deno.test("signallingHandler addresses streams: POST /whep/<stream>, /offer's stream field, /api/keyframe?stream=", async () => {
  const asked: (string | undefined)[] = [];
  const keyFrames: (string | undefined)[] = [];
  const handle = signallingHandler({
    ...backend(),
    answer(_offer, _kind, stream) {
      asked.push(stream);
      if (stream !== undefined && stream !== "down") {
        return Promise.reject(new SignallingError(404, `No stream "${stream}" here (streams: video, down)`));
      }
      return Promise.resolve({ id: "0d9c6f38-6f0e-4b8e-9c35-1d2f0f5d7a11", answer: "v=0\r\nanswer" });
    },
    requestKeyFrame(stream) {
      keyFrames.push(stream);
    },
  });
  assertEquals((await handle(post("/whep/down", OFFER_SDP, "application/sdp"))).status, 201);
  const missing = await handle(post("/whep/up", OFFER_SDP, "application/sdp"));
  assertEquals(missing.status, 404);
  assertMatch(await missing.text(), /No stream "up" here/);
  const offer = (stream: unknown) =>
    post("/offer", JSON.stringify({ sdp: OFFER_SDP, type: "offer", stream }), "application/json");
  assertEquals((await handle(offer("down"))).status, 200);
  const malformed = await handle(offer("../etc"));
  assertEquals(malformed.status, 400);
  assertMatch(await malformed.text(), /"stream" to be a stream name/);
  assertEquals((await handle(post(`${KEYFRAME_PATH}?stream=down`, "", "text/plain"))).status, 204);
  assertEquals((await handle(post(`${KEYFRAME_PATH}?stream=Down`, "", "text/plain"))).status, 400);
  assertEquals(asked, ["down", "up", "down"]);
  assertEquals(keyFrames, ["down"]);
});
