/** Starting a pipeline from a description: debug logging and GStreamer errors as user errors. */
import { Pipeline } from "../ffi/pipeline.ts";
import { GstError } from "../ffi/gst.ts";
import { hostOs } from "../ffi/library_path.ts";
import { describeMediaError, type ErrorContext, MediaError } from "./media_error.ts";
import { log } from "../log.ts";

/** Parses `description` (logged at debug level); a parse error becomes a MediaError. */
export function launch(description: string, context: Partial<ErrorContext> = {}): Pipeline {
  log.debug(`pipeline: ${description}`);
  try {
    return new Pipeline(description);
  } catch (error) {
    throw asMediaError(error, context);
  }
}

/** A GstError as a MediaError with one actionable line; other errors unchanged. */
export function asMediaError(error: unknown, context: Partial<ErrorContext> = {}): unknown {
  if (!(error instanceof GstError)) return error;
  const message = error.message.replace(/^Cannot build pipeline: /, "");
  return new MediaError(describeMediaError(message, error.debug, { os: hostOs(), ...context }), {
    cause: error,
  });
}
