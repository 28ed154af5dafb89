/** A named element of a running pipeline: properties and upstream events. */
import { checked, CLOCK_TIME_NONE, cString, gstreamer } from "./gst.ts";
import { getProperty, GVALUE_SIZE, hasProperty, type Plain, setProperty } from "./gobject.ts";

/** Looks up the element called `name` in `bin` (a new reference), or throws naming it. */
export function elementByName(bin: Deno.PointerObject, name: string): Deno.PointerObject {
  return checked(gstreamer().gst.gst_bin_get_by_name(bin, cString(name)), `No element named "${name}"`);
}

/**
 * Makes and drops one element of each factory off the event loop, in order: their plugins load
 * (libav's decoder alone takes tens of milliseconds) while the caller does other work, so the pipeline
 * that needs them later starts at once. A factory that is not installed is skipped.
 */
export async function preloadElements(factories: readonly string[]): Promise<void> {
  for (const factory of factories) {
    releaseFloating(await gstreamer().gst.gst_element_factory_make_async(cString(factory), null));
  }
}

/** Drops an element just made (floating, owned by no bin); nothing for NULL. */
export function releaseFloating(element: Deno.PointerValue): void {
  if (element === null) return;
  const { gst } = gstreamer();
  gst.gst_object_unref(gst.gst_object_ref_sink(element));
}

export interface SeekToStartOptions {
  /** Drop what is on its way and restart running time at 0 (the default). */
  flush?: boolean;
  /** The end posts segment-done instead of EOS. */
  segment?: boolean;
}

/**
 * Seeks `element` back to the start, to a keyframe. A pipeline (a bin) sends the seek from every sink
 * and succeeds only if every one passes it on; an element sends it upstream from itself alone.
 */
export function seekToStart(element: Deno.PointerObject, options: SeekToStartOptions): boolean {
  const FORMAT_TIME = 3;
  const FLUSH = 1, KEY_UNIT = 4, SEGMENT = 8; // GstSeekFlags
  const flags = (options.flush === false ? 0 : FLUSH) | KEY_UNIT | (options.segment ? SEGMENT : 0);
  return gstreamer().gst.gst_element_seek_simple(element, FORMAT_TIME, flags, 0n);
}

/** GstStreamError's GST_STREAM_ERROR_ENCODE. */
const STREAM_ERROR_ENCODE = 8;

const ITERATOR_OK = 1; // GstIteratorResult: DONE 0, OK 1, RESYNC 2, ERROR 3

/**
 * Calls `fn` with each element that `factory` made inside `bin`, at any depth (elements a bin makes
 * for itself, e.g. rtpbin's jitter buffers); the reference is held only during the call. Returns
 * how many there were. A bin that changes while it is walked ends the walk.
 */
export function forEachOfFactory(
  bin: Deno.PointerObject,
  factory: string,
  fn: (element: Deno.PointerObject) => void,
): number {
  const { gst, gobject } = gstreamer();
  const iterator = gst.gst_bin_iterate_all_by_element_factory_name(bin, cString(factory));
  if (iterator === null) return 0;
  const item = new Uint8Array(GVALUE_SIZE); // G_VALUE_INIT
  const value = Deno.UnsafePointer.of(item)!;
  let count = 0;
  try {
    while (gst.gst_iterator_next(iterator, value) === ITERATOR_OK) {
      const element = gobject.g_value_get_object(value);
      if (element !== null) {
        fn(element);
        count++;
      }
      gobject.g_value_reset(value);
    }
  } finally {
    if (item.some((byte) => byte !== 0)) gobject.g_value_unset(value);
    gst.gst_iterator_free(iterator);
  }
  return count;
}

/** Sets `property` on each element that `factory` made inside `bin`, at any depth; returns how many. */
export function setOnEachOfFactory(
  bin: Deno.PointerObject,
  factory: string,
  property: string,
  value: string | number | boolean,
): number {
  return forEachOfFactory(bin, factory, (element) => setProperty(element, property, value));
}

export class Element {
  #handle: Deno.PointerObject | null;
  readonly name: string;

  constructor(bin: Deno.PointerObject, name: string) {
    this.#handle = elementByName(bin, name);
    this.name = name;
  }

  #live(): Deno.PointerObject {
    if (this.#handle === null) throw new Error(`Element "${this.name}" is closed`);
    return this.#handle;
  }

  /** Sets a property from its string form, as gst-launch would (enums, caps and numbers too). */
  set(property: string, value: string | number | boolean): void {
    gstreamer().gst.gst_util_set_object_arg(this.#live(), cString(property), cString(String(value)));
  }

  /** A property's value as plain data (an enum as its nick); a missing property throws. */
  get(property: string): Plain {
    return getProperty(this.#live(), property);
  }

  /** Whether the element has this property (newer GStreamer versions add some). */
  has(property: string): boolean {
    return hasProperty(this.#live(), property);
  }

  /**
   * Sends an upstream force-key-unit event from this element: the encoder upstream of it makes
   * its next frame a keyframe with SPS/PPS. Returns whether an element handled it.
   */
  requestKeyFrame(): boolean {
    const { gst, video } = gstreamer();
    const event = video.gst_video_event_new_upstream_force_key_unit(CLOCK_TIME_NONE, true, 0);
    return event !== null && gst.gst_element_send_event(this.#live(), event);
  }

  /**
   * Seeks upstream of this element back to the start (see `seekToStart`): a file loops from here,
   * whatever state the sinks behind it are in.
   */
  seekToStart(options: SeekToStartOptions = {}): boolean {
    return seekToStart(this.#live(), options);
  }

  /**
   * Posts an error from this element, as if it had failed by itself (GST_STREAM_ERROR_ENCODE): fault
   * drills, where nothing here can make the real element fail (a hardware encoder losing its session).
   */
  postError(message: string): void {
    const { gst, glib } = gstreamer();
    const error = checked(
      glib.g_error_new_literal(gst.gst_stream_error_quark(), STREAM_ERROR_ENCODE, cString(message)),
      "Cannot make a GError",
    );
    try {
      const posted = gst.gst_message_new_error(this.#live(), error, cString(`${message} (a fault drill)`));
      if (posted === null || !gst.gst_element_post_message(this.#live(), posted)) {
        throw new Error(`Cannot post an error from "${this.name}"`);
      }
    } finally {
      glib.g_error_free(error);
    }
  }

  close(): void {
    if (this.#handle === null) return;
    gstreamer().gst.gst_object_unref(this.#handle);
    this.#handle = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
