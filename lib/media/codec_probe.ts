/**
 * The real registry behind codec choice: GStreamer's element factories, and a short trial that
 * opens an element on a few frames (a registered nvh264enc fails without an NVIDIA driver).
 */
import { hasElement } from "../ffi/gst.ts";
import { Pipeline } from "../ffi/pipeline.ts";
import type { Registry } from "./codec_choice.ts";
import { encoderOf } from "./encoder.ts";
import { log } from "../log.ts";

const TRIAL_TIMEOUT_MS = 3000;

/** A pipeline that pushes a few frames through `element`: an encoder gets raw video, a decoder H.264. */
export function trialDescription(element: string): string {
  const raw = "videotestsrc num-buffers=5 ! video/x-raw,format=NV12,width=320,height=240,framerate=30/1";
  if (encoderOf(element)) return `${raw} ! videoconvert ! ${element} ! fakesink`;
  const encoder = hasElement("x264enc") ? "x264enc tune=zerolatency" : "openh264enc";
  return `${raw} ! videoconvert ! ${encoder} ! h264parse ! ${element} ! fakesink`;
}

/** Runs `description` to its end; undefined if it got there, else GStreamer's first error. */
export async function runTrial(description: string): Promise<string | undefined> {
  let pipeline: Pipeline;
  try {
    pipeline = new Pipeline(description);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  try {
    const outcome = Promise.withResolvers<string | undefined>();
    const timer = setTimeout(
      () => outcome.resolve(`no output within ${TRIAL_TIMEOUT_MS / 1000} s`),
      TRIAL_TIMEOUT_MS,
    );
    pipeline.watch((event) => {
      if (event.type === "eos") outcome.resolve(undefined);
      if (event.type === "error") outcome.resolve(event.message.replace(/\.$/, ""));
    });
    try {
      pipeline.play();
    } catch (error) {
      outcome.resolve(error instanceof Error ? error.message : String(error));
    }
    const result = await outcome.promise;
    clearTimeout(timer);
    return result;
  } finally {
    await pipeline.close();
  }
}

/** This machine's GStreamer as a codec registry; trial results are remembered. */
export function gstRegistry(): Registry {
  const trials = new Map<string, Promise<string | undefined>>();
  return {
    has: hasElement,
    trial(element: string) {
      let result = trials.get(element);
      if (!result) {
        result = runTrial(trialDescription(element));
        trials.set(element, result);
        void result.then((failure) => log.debug(`trial of ${element}: ${failure ?? "works"}`));
      }
      return result;
    },
  };
}
