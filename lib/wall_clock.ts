/** The wall clock in ms with sub-millisecond precision (Date.now() has 1 ms steps). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
