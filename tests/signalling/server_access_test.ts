import { assert, assertEquals } from "../support/assert.ts";
import { bearerMatches, tokenProblem } from "../../lib/signalling/server_access.ts";

Deno.test("bearerMatches takes only the exact token as a bearer token", () => {
  const token = "s3cret-token-for-the-rov";
  assert(bearerMatches(`Bearer ${token}`, token));
  assert(bearerMatches(`bearer  ${token}`, token), "the scheme is case-insensitive (RFC 7235)");
  for (const header of [null, "", token, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`]) {
    assert(!bearerMatches(header, token), String(header));
  }
});

Deno.test("tokenProblem wants 8 to 256 visible ASCII characters", () => {
  assertEquals(tokenProblem("s3cret-token"), undefined);
  assertEquals(tokenProblem("short"), "too short (at least 8 characters)");
  assert(tokenProblem("with a space") !== undefined);
  assert(tokenProblem("x".repeat(257)) !== undefined);
});
