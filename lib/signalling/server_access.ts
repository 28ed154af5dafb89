/**
 * Access to rov-server's HTTP API: a bearer token (`--token`, RFC 6750, as WHEP and WHIP use it)
 * and HTTPS with a certificate the client may be told to trust. The server checks a request's
 * token in constant time; the client sends its token, and trusts its CA, on every request it makes.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The realm in 401 answers' `WWW-Authenticate: Bearer realm="rov-stream"`. */
export const REALM = "rov-stream";

/** What a token may hold: visible ASCII (RFC 6750's b64token and more), 8 to 256 characters. */
const TOKEN = /^[\x21-\x7e]{8,256}$/;

/** A token's reason to be refused, or undefined when it is a usable token. */
export function tokenProblem(token: string): string | undefined {
  if (TOKEN.test(token)) return undefined;
  return token.length < 8
    ? "too short (at least 8 characters)"
    : "expected 8 to 256 visible ASCII characters, no spaces";
}

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}

/**
 * Whether an `Authorization` header carries `token` as a bearer token. Compared in constant time
 * (of their SHA-256 digests: the same length whatever was sent), so timing tells nothing of it.
 */
export function bearerMatches(header: string | null, token: string): boolean {
  const given = /^Bearer +(\S+) *$/i.exec(header ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(token));
}

/** How the client reaches the server: its token, and the CA certificate (PEM) it trusts for HTTPS. */
export interface ServerAccess {
  token?: string;
  caCert?: string;
}

let access: ServerAccess = {};
let httpClient: Deno.HttpClient | undefined;

/** Sets how every later request to rov-server is made (rov-client, once, from its options). */
export function useServerAccess(options: ServerAccess): void {
  access = { ...options };
  httpClient?.close();
  httpClient = options.caCert ? Deno.createHttpClient({ caCerts: [options.caCert] }) : undefined;
}

/** The token's header, for requests made without serverFetch. */
export function authorization(): Record<string, string> {
  return access.token ? { authorization: `Bearer ${access.token}` } : {};
}

/** fetch for rov-server's API: with the token and the trusted CA, when given. */
export function serverFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (access.token) headers.set("authorization", `Bearer ${access.token}`);
  return fetch(input, { ...init, headers, ...(httpClient ? { client: httpClient } : {}) });
}
