/**
 * `POST /api/recording`'s body, shared by the server and whoever switches recording (the browser
 * page, scripts): `{"recording": true}` starts, `{"recording": false}` stops.
 */
import { SignallingError } from "./session_description.ts";

export function encodeRecordingRequest(recording: boolean): string {
  return JSON.stringify({ recording });
}

/** The wanted state; a body that is not `{"recording": true|false}` is a 400 saying so. */
export function parseRecordingRequest(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SignallingError(400, 'Recording request is not JSON: send {"recording": true} or false');
  }
  const recording = typeof value === "object" && value !== null
    ? (value as Record<string, unknown>).recording
    : undefined;
  if (typeof recording !== "boolean") {
    throw new SignallingError(400, 'Recording request needs "recording": true or false');
  }
  return recording;
}
