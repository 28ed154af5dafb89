/** A named element of a running pipeline: properties and upstream events. */
import { checked, CLOCK_TIME_NONE, cString, gstreamer } from "./gst.ts";
import { getProperty, hasProperty, type Plain } from "./gobject.ts";

/** Looks up the element called `name` in `bin` (a new reference), or throws naming it. */
export function elementByName(bin: Deno.PointerObject, name: string): Deno.PointerObject {
  return checked(gstreamer().gst.gst_bin_get_by_name(bin, cString(name)), `No element named "${name}"`);
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

  close(): void {
    if (this.#handle === null) return;
    gstreamer().gst.gst_object_unref(this.#handle);
    this.#handle = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
