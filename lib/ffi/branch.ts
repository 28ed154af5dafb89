/**
 * A branch added to a running pipeline: a bin parsed from a description, started, and only then
 * linked (linking first stalled the running branches or the new one). It either hangs behind a
 * `tee` (a server's viewer) or feeds an element downstream (a client's replaceable network head).
 * Closing unlinks it (releasing the tee's pad), stops it off the event loop and removes it, without
 * disturbing the rest of the pipeline.
 */
import { checked, cString, gstreamer, outPointer } from "./gst.ts";
import { Element, elementByName } from "./element.ts";
import { WebRtcBin } from "./webrtc_bin.ts";
import { AppSink } from "./app_sink.ts";

const STATE_NULL = 1;
let branches = 0;
const STATE_CHANGE_FAILURE = 0;

/**
 * Where a branch attaches: behind a tee (its unlinked sink pad), or into an element from the source
 * pad of its element `from` (named: a description with a sometimes-pad, like webrtcbin's, links it
 * later, and its other end must not be taken for the bin's input). `requested`: `into` gives each
 * branch a request pad (a funnel), released when the branch closes.
 */
export type BranchLink = { tee: string } | { into: string; from: string; requested?: boolean };

export interface BranchOptions {
  /** The bin's name before its number (default "branch"), so bus messages tell kinds of branch apart. */
  prefix?: string;
}

/** Gives `bin` a "src" pad: the source pad of its element `from`. */
function ghostSource(bin: Deno.PointerObject, from: string): void {
  const { gst } = gstreamer();
  const element = elementByName(bin, from);
  const pad = gst.gst_element_get_static_pad(element, cString("src"));
  gst.gst_object_unref(element);
  if (pad === null) throw new Error(`Element "${from}" has no src pad`);
  const ghost = gst.gst_ghost_pad_new(cString("src"), pad);
  gst.gst_object_unref(pad);
  if (ghost === null || !gst.gst_element_add_pad(bin, ghost)) throw new Error(`Cannot expose "${from}"`);
}

const PAD_SINK = 2; // GstPadDirection

/**
 * Gives a tee branch's bin the sink pad of its first element. Not gst_parse's ghosting of every
 * unlinked pad: that also ghosted pads inside elements that are bins themselves (splitmuxsink's
 * muxer src, made when its `muxer` is set), which they then could not link ("Failed to link muxer
 * and sink").
 */
function ghostSink(bin: Deno.PointerObject): void {
  const { gst } = gstreamer();
  const pad = gst.gst_bin_find_unlinked_pad(bin, PAD_SINK);
  if (pad === null) throw new Error("Branch has no unlinked sink pad");
  const ghost = gst.gst_ghost_pad_new(cString("sink"), pad);
  gst.gst_object_unref(pad);
  if (ghost === null || !gst.gst_element_add_pad(bin, ghost)) {
    throw new Error("Cannot expose the branch's input");
  }
}

export class Branch {
  #handle: Deno.PointerObject | null;
  #pipeline: Deno.PointerObject;
  /** The tee it hangs behind, or the element it feeds. */
  #peer: Deno.PointerObject;
  #fromTee: boolean;
  /** The peer's pad is a request pad, given back on close (a tee's, a funnel's). */
  #requested: boolean;
  #children: { close(): void }[] = [];
  #closing: Promise<void> | undefined;
  readonly description: string;
  /** The bin's name, unique in the process: bus messages from inside it have it in their path. */
  readonly name: string;

  /**
   * Parses `description` (its unlinked pad becomes the bin's), adds it to `pipeline`, starts it and
   * links it to `link`'s element.
   */
  constructor(
    pipeline: Deno.PointerObject,
    description: string,
    link: BranchLink,
    options: BranchOptions = {},
  ) {
    const { gst } = gstreamer();
    this.name = `${options.prefix ?? "branch"}${branches++}`;
    const error = outPointer();
    const bin = checked(
      gst.gst_parse_bin_from_description(cString(description), false, error),
      "Cannot build branch",
      error,
    );
    if ("from" in link) ghostSource(bin, link.from);
    else ghostSink(bin);
    this.description = description;
    gst.gst_object_set_name(bin, cString(this.name));
    this.#pipeline = pipeline;
    this.#fromTee = "tee" in link;
    this.#requested = "tee" in link || link.requested === true;
    this.#peer = elementByName(pipeline, "tee" in link ? link.tee : link.into);
    gst.gst_object_ref(bin); // ours, beside the pipeline's
    this.#handle = bin;
    if (!gst.gst_bin_add(pipeline, bin)) {
      gst.gst_object_unref(bin);
      gst.gst_object_unref(this.#peer);
      throw new Error(`Cannot add branch to the pipeline`);
    }
    const linked = () =>
      this.#fromTee ? gst.gst_element_link(this.#peer, bin) : gst.gst_element_link(bin, this.#peer);
    const failed = !gst.gst_element_sync_state_with_parent(bin) || !linked();
    if (failed) {
      gst.gst_element_set_state(bin, STATE_NULL);
      gst.gst_bin_remove(pipeline, bin);
      gst.gst_object_unref(bin);
      gst.gst_object_unref(this.#peer);
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

  /** An appsink of the branch (closed with it: its pull loop then ends). */
  appSink(name: string): AppSink {
    const sink = new AppSink(this.#live(), name);
    this.#children.push(sink);
    return sink;
  }

  webrtcBin(name: string): WebRtcBin {
    const bin = new WebRtcBin(elementByName(this.#live(), name), name);
    this.#children.push(bin);
    return bin;
  }

  /**
   * Unlinks, stops and removes the branch; safe to call twice (the second call waits for the first).
   * `drainMs`: after unlinking, end the stream inside it (EOS) and give it that long to finish what
   * it writes (a muxer's last fragment and index) before it stops.
   */
  close(options: { drainMs?: number } = {}): Promise<void> {
    this.#closing ??= this.#close(options.drainMs ?? 0);
    return this.#closing;
  }

  async #close(drainMs: number): Promise<void> {
    const bin = this.#handle;
    if (bin === null) return;
    const { gst } = gstreamer();
    const own = gst.gst_element_get_static_pad(bin, cString(this.#fromTee ? "sink" : "src"));
    const peer = own === null ? null : gst.gst_pad_get_peer(own);
    if (own !== null && peer !== null) {
      if (this.#fromTee) gst.gst_pad_unlink(peer, own);
      else gst.gst_pad_unlink(own, peer);
      if (this.#requested) gst.gst_element_release_request_pad(this.#peer, peer);
    }
    if (peer !== null) gst.gst_object_unref(peer);
    if (own !== null && drainMs > 0 && this.#fromTee) {
      const eos = gst.gst_event_new_eos();
      if (eos !== null) gst.gst_pad_send_event(own, eos);
      await new Promise((resolve) => setTimeout(resolve, drainMs));
    }
    if (own !== null) gst.gst_object_unref(own);
    for (const child of this.#children) child.close();
    this.#children = [];
    // webrtcbin's teardown joins its ICE and DTLS threads: never on the event loop.
    const result = await gst.gst_element_set_state_async(bin, STATE_NULL);
    if (result !== STATE_CHANGE_FAILURE) gst.gst_bin_remove(this.#pipeline, bin);
    this.#handle = null;
    gst.gst_object_unref(bin);
    gst.gst_object_unref(this.#peer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
