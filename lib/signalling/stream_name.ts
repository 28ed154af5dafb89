/** Stream names, as servers, clients, beacons and URLs (/whep/NAME, rtsp://…/NAME) carry them. */

/** Lower-case letters, digits, - and _; 1 to 32 characters, not starting with - or _. */
export const STREAM_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** The first stream's name when none is given: rtsp://HOST:PORT/video as before streams had names. */
export const DEFAULT_STREAM = "video";

export function isStreamName(value: unknown): value is string {
  return typeof value === "string" && STREAM_NAME.test(value);
}
