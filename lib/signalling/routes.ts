/**
 * The server's HTTP API as one plain `(Request) => Promise<Response>` handler:
 * `GET /` (the browser viewer), `POST /offer` (JSON, with a `stream` field for a stream other than
 * the first), WHEP (`POST /whep` or `POST /whep/<stream>`, `DELETE /whep/<id>`),
 * `GET /api/status`, `GET /api/viewers/<id>` (200 while the server has that viewer, with whether its
 * source delivers, else 404: a client tells a restarted server from a cut link, and both from a
 * camera being retried, by it), `GET /healthz`, `GET`/`POST /api/recording` (recording on the vehicle),
 * and the RTP viewers' side channel: `GET /api/clock`, `POST /api/keyframe`,
 * `POST /api/rtp-viewers/<id>/latency`, `GET /stream.sdp`.
 */
import { CLOCK_PATH, encodeClockReply, KEYFRAME_PATH, LATENCY_PATH } from "./clock_exchange.ts";
import { decodeTelemetry, type LatencyMessage, TelemetryError } from "./telemetry.ts";
import { wallClockMs } from "../wall_clock.ts";
import { OfferRateLimit } from "./offer_rate_limit.ts";
import { parseRecordingRequest } from "./recording_request.ts";
import { isStreamName, STREAM_NAME } from "./stream_name.ts";
import { bearerMatches, REALM } from "./server_access.ts";
import {
  encodeSessionDescription,
  MAX_SDP_BYTES,
  parseSessionDescription,
  SignallingError,
  validateSdp,
} from "./session_description.ts";

export type ViewerKind = "offer" | "whep";

/** What the routes need from the server. */
export interface SignallingBackend {
  /**
   * Answers an offer for a new viewer of `stream` (undefined: the first stream); throws
   * SignallingError (404 for no such stream, or an error with status 400) if unusable.
   */
  answer(
    offer: string,
    kind: ViewerKind,
    stream?: string,
  ): Promise<{ id: string; answer: string; engine?: string; stamps?: boolean }>;
  /** Ends a viewer; false when there is no such viewer. */
  hangUp(id: string): Promise<boolean>;
  /** Whether a WebRTC viewer of this id is being served. */
  hasViewer?(id: string): boolean;
  /** "lost" while the camera (or --pipeline) of viewer `id`'s stream has failed and is being retried. */
  sourceState?(id: string): "live" | "lost";
  status(): unknown;
  /** The SDP of `stream`'s (undefined: the first's) plain RTP, when it is sent; SignallingError for no such stream. */
  streamSdp?(stream?: string): string | undefined;
  /** Asks the encoder of `stream` (undefined: the first) for a keyframe (rate-limited by the server). */
  requestKeyFrame(stream?: string): void;
  /** The browser viewer page served at `/`, when the server has one. */
  viewerPage?: string;
  /** An RTP viewer's measured latency (WebRTC viewers report on their data channel). */
  reportRtpLatency?(viewer: string, latency: ViewerLatency): void;
  /** Recording on the vehicle, where the server can record (its state; switching it on and off). */
  recording?: {
    state(): unknown;
    /** Throws SignallingError when it cannot start (the directory, say). */
    set(on: boolean): Promise<unknown>;
  };
}

/**
 * A viewer's capture → decoded latency and damage figures as it reports them, with the error bound
 * of its clock-offset estimate (`offsetBoundMs`).
 */
export type ViewerLatency = Omit<LatencyMessage, "t">;

/** `GET` the recording's state, `POST {"recording": true|false}` to switch it. */
export const RECORDING_PATH = "/api/recording";

/** /whep, or /whep/<stream>. */
const WHEP_PATH = new RegExp(`^/whep(?:/(${STREAM_NAME.source.slice(1, -1)}))?$`);

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
  "access-control-allow-headers": "content-type, authorization",
  "access-control-expose-headers": "location, www-authenticate",
};

function reply(status: number, body: string, type = "text/plain; charset=utf-8", extra = {}): Response {
  return new Response(body, { status, headers: { "content-type": type, ...CORS, ...extra } });
}

function json(status: number, value: unknown): Response {
  return reply(status, JSON.stringify(value), "application/json");
}

/** Reads at most MAX_SDP_BYTES of body; 413 past that (checked while reading, not only by header). */
async function readBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_SDP_BYTES) throw new SignallingError(413, `Body is larger than ${MAX_SDP_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body) {
      size += chunk.byteLength;
      if (size > MAX_SDP_BYTES) throw new SignallingError(413, `Body is larger than ${MAX_SDP_BYTES} bytes`);
      chunks.push(chunk);
    }
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new SignallingError(400, "Body is not UTF-8 text");
  }
}

function requireType(request: Request, expected: string): void {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== expected) {
    throw new SignallingError(415, `Expected Content-Type ${expected}, got ${type || "none"}`);
  }
}

/** Where a request came from (what `Deno.serve` passes its handler); absent in tests. */
export interface RequestInfo {
  remoteAddr?: Deno.Addr;
}

function addressOf(info: RequestInfo | undefined): string | undefined {
  const addr = info?.remoteAddr;
  return addr && "hostname" in addr ? addr.hostname : undefined;
}

/** Too many offers from one address: 429 with when to try again. */
function limitOffers(limit: OfferRateLimit, info: RequestInfo | undefined): void {
  const address = addressOf(info);
  if (address === undefined) return;
  const waitS = limit.take(address);
  if (waitS > 0) {
    throw new SignallingError(429, `Too many offers from ${address}: try again in ${waitS} s`, {
      retryAfterS: waitS,
    });
  }
}

/**
 * The server's signalling and status routes. Offers (`/offer`, `/whep`) are rate-limited per source
 * address by `offerRate` (see OfferRateLimit).
 */
export function signallingHandler(
  backend: SignallingBackend,
  options: { offerRate?: OfferRateLimit; token?: string } = {},
): (request: Request, info?: RequestInfo) => Promise<Response> {
  const offerRate = options.offerRate ?? new OfferRateLimit();
  const { token } = options;
  return async (request: Request, info?: RequestInfo): Promise<Response> => {
    const received = wallClockMs();
    const { pathname, searchParams } = new URL(request.url);
    try {
      if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
      if (pathname === "/healthz") return expect(request, "GET", () => reply(200, "ok\n"));
      if (pathname === "/" && backend.viewerPage !== undefined) {
        const page = backend.viewerPage;
        return expect(request, "GET", () => reply(200, page, "text/html; charset=utf-8"));
      }
      // Past the page (which holds nothing and asks for the token) and /healthz, the token.
      if (token !== undefined) {
        const header = request.headers.get("authorization");
        if (!bearerMatches(header, token)) {
          await request.body?.cancel();
          const error = header === null ? "" : `, error="invalid_token"`;
          return reply(
            401,
            header === null
              ? "This server needs its access token: Authorization: Bearer TOKEN (rov-client --token)\n"
              : "Wrong access token\n",
            undefined,
            { "www-authenticate": `Bearer realm="${REALM}"${error}` },
          );
        }
      }
      if (pathname === "/api/status") return expect(request, "GET", () => json(200, backend.status()));
      if (pathname === CLOCK_PATH) {
        return expect(
          request,
          "GET",
          () => reply(200, encodeClockReply({ t1: received, t2: wallClockMs() }), "application/json"),
        );
      }
      if (pathname === KEYFRAME_PATH) {
        if (request.method !== "POST") return methodNotAllowed("POST");
        await request.body?.cancel();
        backend.requestKeyFrame(streamParam(searchParams));
        return new Response(null, { status: 204, headers: CORS });
      }
      const rtpViewer = LATENCY_PATH.exec(pathname);
      if (rtpViewer) {
        if (request.method !== "POST") return methodNotAllowed("POST");
        requireType(request, "application/json");
        const message = decodeLatency(await readBody(request));
        backend.reportRtpLatency?.(rtpViewer[1], message);
        return new Response(null, { status: 204, headers: CORS });
      }
      if (pathname === RECORDING_PATH) {
        const recording = backend.recording;
        if (!recording) {
          await request.body?.cancel();
          return reply(404, "No recording here: it is fed from the gstreamer engine\n");
        }
        if (request.method === "GET") return json(200, recording.state());
        if (request.method !== "POST") return methodNotAllowed("GET, POST");
        requireType(request, "application/json");
        return json(200, await recording.set(parseRecordingRequest(await readBody(request))));
      }
      if (pathname === "/stream.sdp") {
        return expect(request, "GET", () => {
          const sdp = backend.streamSdp?.(streamParam(searchParams));
          return sdp ? reply(200, sdp, "application/sdp") : reply(
            404,
            "No RTP stream: the server sends no plain RTP of this stream (--rtp, or --transport rtp)\n",
          );
        });
      }
      if (pathname === "/offer") {
        if (request.method !== "POST") return methodNotAllowed("POST");
        limitOffers(offerRate, info);
        requireType(request, "application/json");
        const offer = parseSessionDescription(await readBody(request), "offer");
        const { id, answer, engine, stamps } = await backend.answer(offer.sdp, "offer", offer.stream);
        return reply(
          200,
          encodeSessionDescription({ type: "answer", sdp: answer, id, engine, stamps }),
          "application/json",
        );
      }
      // POST /whep/<stream> offers to a named stream; DELETE /whep/<id> ends a session.
      const whep = WHEP_PATH.exec(pathname);
      if (whep && (request.method === "POST" || whep[1] === undefined)) {
        if (request.method !== "POST") return methodNotAllowed("POST");
        limitOffers(offerRate, info);
        requireType(request, "application/sdp");
        const offer = await readBody(request);
        validateSdp(offer, "offer");
        const { id, answer } = await backend.answer(offer, "whep", whep[1]);
        return reply(201, answer, "application/sdp", { location: `/whep/${id}` });
      }
      const viewer = /^\/api\/viewers\/([0-9a-f-]{1,64})$/.exec(pathname);
      if (viewer) {
        return expect(
          request,
          "GET",
          () =>
            backend.hasViewer?.(viewer[1])
              ? json(200, { id: viewer[1], source: backend.sourceState?.(viewer[1]) ?? "live" })
              : reply(404, "No such viewer (the server may have restarted)\n"),
        );
      }
      const session = /^\/whep\/([0-9a-f-]{1,64})$/.exec(pathname);
      if (session) {
        if (request.method !== "DELETE") return methodNotAllowed("DELETE, or POST to a stream's name");
        return (await backend.hangUp(session[1]))
          ? new Response(null, { status: 200, headers: CORS })
          : reply(404, "No such session\n");
      }
      return reply(404, "Not found\n");
    } catch (error) {
      if (error instanceof SignallingError) {
        const retry = error.retryAfterS === undefined ? {} : { "retry-after": String(error.retryAfterS) };
        return reply(error.status, error.message + "\n", undefined, retry);
      }
      const status = (error as { status?: number }).status;
      const message = error instanceof Error ? error.message : String(error);
      return reply(typeof status === "number" ? status : 500, message + "\n");
    }
  };
}

/** `?stream=NAME`; 400 for a malformed name. */
function streamParam(params: URLSearchParams): string | undefined {
  const stream = params.get("stream");
  if (stream === null) return undefined;
  if (!isStreamName(stream)) throw new SignallingError(400, "Expected ?stream= to be a stream name");
  return stream;
}

/** A latency report's body: a telemetry "latency" message; 400 otherwise. */
function decodeLatency(text: string): ViewerLatency {
  try {
    const message = decodeTelemetry(text);
    if (message.t === "latency") {
      const { t: _, ...latency } = message;
      return latency;
    }
  } catch (error) {
    if (error instanceof TelemetryError) throw new SignallingError(400, error.message);
    throw error;
  }
  throw new SignallingError(400, 'Expected a telemetry message of type "latency"');
}

function methodNotAllowed(allowed: string): Response {
  return reply(405, `Method not allowed: use ${allowed}\n`, undefined, { allow: allowed });
}

function expect(request: Request, method: string, handle: () => Response): Response {
  return request.method === method ? handle() : methodNotAllowed(method);
}
