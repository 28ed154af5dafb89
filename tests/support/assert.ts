/** The assertions tests use, from node:assert/strict, under the names denoland/std tests use. */
import assertStrict from "node:assert/strict";

export function assert(value: unknown, message?: string): asserts value {
  assertStrict.ok(value, message);
}
export function assertEquals<T>(actual: unknown, expected: T, message?: string): asserts actual is T {
  assertStrict.deepStrictEqual(actual, expected, message);
}
export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  assertStrict.match(actual, pattern, message);
}
export function assertThrows(fn: () => unknown, pattern: RegExp): void {
  assertStrict.throws(fn, pattern);
}
export async function assertRejects(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  await assertStrict.rejects(fn, pattern);
}
