/** GstPromise: how webrtcbin answers an action signal; the wait runs off the event loop. */
import { cString, GstError, gstreamer, readString } from "./gst.ts";

const REPLIED = 2; // GST_PROMISE_RESULT_REPLIED
const GERROR_MESSAGE = 8; // GError.message
const RESULTS = ["pending", "interrupted", "replied", "expired"];

/**
 * Makes a GstPromise, hands it to `emit` (which passes it to a signal), waits for the reply without
 * blocking the event loop, and gives the reply structure (or null) to `read`, which must copy what it
 * keeps. An error in the reply ("error" field, as webrtcbin sets it) throws with webrtcbin's text.
 */
export async function withPromise<T>(
  context: string,
  emit: (promise: Deno.PointerObject) => void,
  read: (reply: Deno.PointerObject | null) => T,
): Promise<T> {
  const { gst } = gstreamer();
  const promise = gst.gst_promise_new();
  if (promise === null) throw new GstError(`${context}: cannot make a GstPromise`);
  try {
    emit(promise);
    const result = await gst.gst_promise_wait(promise);
    if (result !== REPLIED) throw new GstError(`${context}: ${RESULTS[result] ?? result}`);
    const reply = gst.gst_promise_get_reply(promise);
    if (reply !== null) {
      const error = replyError(reply);
      if (error !== undefined) throw new GstError(`${context}: ${error}`);
    }
    return read(reply);
  } finally {
    gst.gst_mini_object_unref(promise); // gst_promise_unref is inline: the mini-object unref is the symbol
  }
}

/** webrtcbin replies with a structure holding an "error" GError when an operation fails. */
function replyError(reply: Deno.PointerObject): string | undefined {
  const { gst, gobject } = gstreamer();
  const value = gst.gst_structure_get_value(reply, cString("error"));
  if (value === null) return undefined;
  const error = gobject.g_value_get_boxed(value);
  const message = error === null
    ? undefined
    : readString(new Deno.UnsafePointerView(error).getPointer(GERROR_MESSAGE));
  return message ?? "unknown error";
}
