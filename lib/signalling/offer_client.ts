/** The client's half of `POST /offer`: sends the offer, returns the answer SDP, one-line errors. */
import {
  encodeSessionDescription,
  parseSessionDescription,
  type SessionDescription,
  SignallingError,
} from "./session_description.ts";
import { serverFetch } from "./server_access.ts";

/** The URL of a server's offer endpoint from its host and port (IPv6 literals bracketed). */
export function offerUrl(host: string, port: number, options: { https?: boolean } = {}): string {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `${options.https ? "https" : "http"}://${h}:${port}/offer`;
}

/** Posts `offer` to `url` and returns the server's answer (its SDP, and rov-server's viewer id and engine). */
export async function postOffer(
  url: string,
  offer: string,
  options: { signal?: AbortSignal; timeoutMs?: number; stream?: string } = {},
): Promise<SessionDescription> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { signal, timeout } = withTimeout(options.signal, timeoutMs);
  let response: Response;
  try {
    response = await serverFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: encodeSessionDescription({ type: "offer", sdp: offer, stream: options.stream }),
      signal,
    });
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : reasonOf(error);
    throw new SignallingError(0, `Cannot reach rov-server at ${url}: ${reason}`);
  }
  const body = await response.text();
  if (!response.ok) {
    throw new SignallingError(
      response.status,
      `rov-server refused the offer (${response.status}): ${body.trim()}`,
    );
  }
  return parseSessionDescription(body, "answer");
}

/**
 * What a server says of one of its viewers: it still has it ("known"; "source-lost" while its camera
 * has failed and is being retried, so no picture is expected), it does not ("unknown": it restarted,
 * or dropped the viewer), nothing listens at its address ("refused"), or no answer in time
 * ("unreachable": the link may be cut).
 */
export type ViewerLiveness = "known" | "source-lost" | "unknown" | "refused" | "unreachable";

/** Asks `origin` (`GET /api/viewers/<id>`) whether it still has viewer `id`. */
export async function viewerLiveness(
  origin: string,
  id: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ViewerLiveness> {
  const { signal, timeout } = withTimeout(options.signal, options.timeoutMs ?? 500);
  try {
    const response = await serverFetch(`${origin}/api/viewers/${encodeURIComponent(id)}`, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      return "unknown";
    }
    const body = await response.json().catch(() => undefined);
    return typeof body === "object" && body !== null && body.source === "lost" ? "source-lost" : "known";
  } catch (error) {
    return !timeout.aborted && /refused/i.test(reasonOf(error)) ? "refused" : "unreachable";
  }
}

/**
 * Tells `origin` that viewer `id` has gone (`DELETE /whep/<id>`, WHEP's hang-up), so its place is
 * free at once rather than when its silence is noticed (seconds; a client restarted in a loop filled
 * --max-viewers). Best effort: an unreachable server has nothing to free.
 */
export async function hangUp(
  origin: string,
  id: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<void> {
  const { signal } = withTimeout(options.signal, options.timeoutMs ?? 300);
  try {
    const response = await serverFetch(`${origin}/whep/${encodeURIComponent(id)}`, {
      method: "DELETE",
      signal,
    });
    await response.body?.cancel();
  } catch {
    // gone already, or unreachable: nothing to do
  }
}

/** What the server at `origin` says of itself in `/api/status` that a viewer needs before it offers. */
export interface ServerTraits {
  /** Its picture carries pixel stamps. */
  stamps: boolean;
  /** Its WebRTC engine ("gstreamer", "werift"); undefined when it did not say. */
  webrtcEngine?: string;
}

/** Reads `ServerTraits` from `origin`; a server that does not answer has none (no stamps, no engine). */
export async function serverTraits(
  origin: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ServerTraits> {
  const { signal } = withTimeout(options.signal, options.timeoutMs ?? 2000);
  try {
    const response = await serverFetch(`${origin}/api/status`, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      return { stamps: false };
    }
    const status = await response.json();
    if (typeof status !== "object" || status === null) return { stamps: false };
    return {
      stamps: status.stamps === true,
      webrtcEngine: typeof status.webrtcEngine === "string" ? status.webrtcEngine : undefined,
    };
  } catch {
    return { stamps: false };
  }
}

/** `signal` (when given) or `ms` passing, whichever comes first; `timeout` tells which it was. */
function withTimeout(given: AbortSignal | undefined, ms: number) {
  const timeout = AbortSignal.timeout(ms);
  return { timeout, signal: given ? AbortSignal.any([given, timeout]) : timeout };
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error
    ? `${error.message} ${(error.cause as Error | undefined)?.message ?? ""}`
    : String(error);
  if (/refused/i.test(text)) return "connection refused (is rov-server running, and is --signal-port right?)";
  if (/unreachable|no route/i.test(text)) return "network unreachable";
  if (/dns|lookup|resolve/i.test(text)) return "unknown host";
  return text.trim();
}
