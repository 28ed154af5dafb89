/** GStreamer's errors turned into one line a user can act on. Pure. */
import type { HostOs } from "../ffi/library_path.ts";
import type { SourceOptions } from "./source.ts";
import { packageFor } from "./plugins.ts";

/** An error for the user: its message is the whole line to print. */
export class MediaError extends Error {
  override name = "MediaError";
}

export interface ErrorContext {
  os: HostOs;
  /** The source being opened, when the failing pipeline is the sender's. */
  source?: SourceOptions;
  /** The file is sent as it is (--file-passthrough). */
  passthrough?: boolean;
}

function cameraName(source: SourceOptions): string {
  return source.os === "linux" ? `/dev/video${source.device}` : `device ${source.device}`;
}

/** One line for a GStreamer failure, naming the thing and what to do. */
export function describeMediaError(
  message: string,
  debug: string | undefined,
  context: ErrorContext,
): string {
  const text = `${message} ${debug ?? ""}`;
  const missing = /no element "([^"]+)"/.exec(text);
  if (missing) {
    return `GStreamer plugin "${missing[1]}" is missing: install ${packageFor(missing[1], context.os)}`;
  }
  const source = context.source;
  if (source?.source === "webcam") {
    const camera = cameraName(source);
    if (/busy/i.test(text)) return `Cannot open camera ${camera}: device is busy (try --source test)`;
    if (/Cannot identify device|does not exist|No such file|not found|Could not open device/i.test(text)) {
      return `Cannot open camera ${camera}: no such camera (try --source test, or another --device)`;
    }
    if (/not a capture device|not-negotiated|Internal data stream error/i.test(text)) {
      return `Cannot use camera ${camera}: ${
        message.replace(/\.$/, "")
      } (try another --width/--height/--fps)`;
    }
  }
  if (source?.source === "file") {
    if (/No such file|Resource not found/i.test(text)) return `Cannot open file ${source.file}: no such file`;
    if (
      context.passthrough &&
      /not-linked|Internal data stream error|not-negotiated|type of stream|text file/i.test(text)
    ) {
      return noVideoIn(source.file, true);
    }
    if (
      /type of stream|text file|cannot decode|no suitable plugins|not-linked|missing a plug-in|Could not demultiplex/i
        .test(text)
    ) {
      return noVideoIn(source.file, false);
    }
  }
  return `GStreamer error: ${message.replace(/\.$/, "")}${debug ? ` (${debug.split("\n").pop()})` : ""}`;
}

/** A file with no video the pipeline can use: none at all, or (passthrough) none in H.264. */
export function noVideoIn(file: string | undefined, passthrough: boolean): string {
  return passthrough
    ? `Cannot send file ${file} without re-encoding: it has no H.264 video (drop --file-passthrough)`
    : `Cannot play file ${file}: not a video file GStreamer can decode`;
}
