/** Starting a pipeline from a description: debug logging and GStreamer errors as user errors. */
import { Pipeline } from "../ffi/pipeline.ts";
import { GstError, GstMissingError, gstreamer } from "../ffi/gst.ts";
import { pluginsSentence, type Program, type Transport } from "./plugins.ts";
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

/**
 * Loads GStreamer for `program`; when it is not installed, one line names the installer for this OS
 * and the plugins the mode needs (what a first run of a downloaded executable shows).
 */
export function loadGStreamer(program: Program, transport: Transport): void {
  try {
    gstreamer();
  } catch (error) {
    if (!(error instanceof GstMissingError)) throw error;
    throw new MediaError(`${error.message}. ${pluginsSentence(program, { transport, os: hostOs() })}`, {
      cause: error,
    });
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
