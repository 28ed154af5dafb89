/**
 * A branch added to a running pipeline: a bin parsed from a description, started, and only then
 * linked to a `tee` (linking first stalled the running branches or the new one). Closing unlinks it,
 * releases the tee's pad, stops it off the event loop and removes it, without disturbing the others.
 */
import { checked, cString, gstreamer, outPointer } from "./gst.ts";
import { Element, elementByName } from "./element.ts";
import { WebRtcBin } from "./webrtc_bin.ts";

const STATE_NULL = 1;
let branches = 0;
const STATE_CHANGE_FAILURE = 0;

export class Branch {
  #handle: Deno.PointerObject | null;
  #pipeline: Deno.PointerObject;
  #tee: Deno.PointerObject;
  #children: { close(): void }[] = [];
  #closing: Promise<void> | undefined;
  readonly description: string;
  /** The bin's name, unique in the process: bus messages from inside it have it in their path. */
  readonly name = `branch${branches++}`;

  /** Parses `description` (its unlinked sink pad becomes the bin's), adds it to `pipeline`, links `tee` to it. */
  constructor(pipeline: Deno.PointerObject, tee: string, description: string) {
    const { gst } = gstreamer();
    const error = outPointer();
    const bin = checked(
      gst.gst_parse_bin_from_description(cString(description), true, error),
      "Cannot build branch",
      error,
    );
    this.description = description;
    gst.gst_object_set_name(bin, cString(this.name));
    this.#pipeline = pipeline;
    this.#tee = elementByName(pipeline, tee);
    gst.gst_object_ref(bin); // ours, beside the pipeline's
    this.#handle = bin;
    if (!gst.gst_bin_add(pipeline, bin)) {
      gst.gst_object_unref(bin);
      gst.gst_object_unref(this.#tee);
      throw new Error(`Cannot add branch to the pipeline`);
    }
    const failed = !gst.gst_element_sync_state_with_parent(bin) || !gst.gst_element_link(this.#tee, bin);
    if (failed) {
      gst.gst_element_set_state(bin, STATE_NULL);
      gst.gst_bin_remove(pipeline, bin);
      gst.gst_object_unref(bin);
      gst.gst_object_unref(this.#tee);
      this.#handle = null;
      throw new Error(`Cannot start branch "${description}"`);
    }
  }

  #live(): Deno.PointerObject {
    if (this.#handle === null) throw new Error("Branch is closed");
    return this.#handle;
  }

  element(name: string): Element {
    const element = new Element(this.#live(), name);
    this.#children.push(element);
    return element;
  }

  webrtcBin(name: string): WebRtcBin {
    const bin = new WebRtcBin(elementByName(this.#live(), name), name);
    this.#children.push(bin);
    return bin;
  }

  /** Unlinks, stops and removes the branch; safe to call twice (the second call waits for the first). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const bin = this.#handle;
    if (bin === null) return;
    const { gst } = gstreamer();
    const sink = gst.gst_element_get_static_pad(bin, cString("sink"));
    const teePad = sink === null ? null : gst.gst_pad_get_peer(sink);
    if (sink !== null && teePad !== null) {
      gst.gst_pad_unlink(teePad, sink);
      gst.gst_element_release_request_pad(this.#tee, teePad);
    }
    if (teePad !== null) gst.gst_object_unref(teePad);
    if (sink !== null) gst.gst_object_unref(sink);
    for (const child of this.#children) child.close();
    this.#children = [];
    // webrtcbin's teardown joins its ICE and DTLS threads: never on the event loop.
    const result = await gst.gst_element_set_state_async(bin, STATE_NULL);
    if (result !== STATE_CHANGE_FAILURE) gst.gst_bin_remove(this.#pipeline, bin);
    this.#handle = null;
    gst.gst_object_unref(bin);
    gst.gst_object_unref(this.#tee);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
