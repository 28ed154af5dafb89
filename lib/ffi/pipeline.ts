/**
 * A GStreamer pipeline launched from a description: state changes, the bus as typed events, and
 * the elements JavaScript talks to. `close()` tears down in the safe order: NULL state, wait for
 * pulls and bus pops in flight, release elements, release the pipeline.
 */
import {
  BUFFER_PTS,
  checked,
  CLOCK_TIME_NONE,
  cString,
  GstError,
  gstreamer,
  outPointer,
  pointerOf,
  readString,
  takeError,
  takeString,
} from "./gst.ts";
import { AppSink } from "./app_sink.ts";
import { AppSrc } from "./app_src.ts";
import { Branch, type BranchOptions } from "./branch.ts";
import { WebRtcBin } from "./webrtc_bin.ts";
import {
  Element,
  elementByName,
  seekToStart,
  type SeekToStartOptions,
  setOnEachOfFactory,
} from "./element.ts";
import { withProperty } from "./gobject.ts";

export type PipelineState = "null" | "ready" | "paused" | "playing";
const STATES: PipelineState[] = ["null", "ready", "paused", "playing"];
const STATE_NUMBER: Record<PipelineState, number> = { null: 1, ready: 2, paused: 3, playing: 4 };

/** What the bus says, as plain data. */
export type BusEvent =
  | { type: "error"; source: string; path: string; message: string; debug?: string }
  | { type: "warning"; source: string; path: string; message: string; debug?: string }
  | { type: "eos" }
  | { type: "segment-done" }
  | { type: "state"; source: string; from: PipelineState; to: PipelineState }
  | { type: "key"; key: string };

const MESSAGE = {
  EOS: 1 << 0,
  ERROR: 1 << 1,
  WARNING: 1 << 2,
  STATE_CHANGED: 1 << 6,
  ELEMENT: 1 << 15,
  SEGMENT_DONE: 1 << 17,
  LATENCY: 1 << 19,
} as const;
const WATCHED = MESSAGE.EOS | MESSAGE.ERROR | MESSAGE.WARNING | MESSAGE.STATE_CHANGED | MESSAGE.ELEMENT |
  MESSAGE.SEGMENT_DONE | MESSAGE.LATENCY;
const MESSAGE_TYPE = 64; // GstMessage.type
const MESSAGE_SRC = 80; // GstMessage.src
const BUS_TIMEOUT_NS = 100_000_000n; // the bus loop notices close() within 100 ms
const STATE_CHANGE_FAILURE = 0;

export class Pipeline {
  #handle: Deno.PointerObject | null;
  #bus: Deno.PointerObject | null;
  #children: { close(): void | Promise<void> }[] = [];
  #branches = new Set<Branch>();
  #busLoop: Promise<void> | undefined;
  #pendingPop: Promise<Deno.PointerValue> | undefined;
  readonly description: string;

  /** Parses `description` as gst-launch would; a syntax error or missing element throws GStreamer's text. */
  constructor(description: string) {
    const error = outPointer();
    const { gst } = gstreamer();
    this.#handle = checked(gst.gst_parse_launch(cString(description), error), "Cannot build pipeline", error);
    this.#bus = checked(gst.gst_element_get_bus(this.#handle), "Cannot get the pipeline bus");
    this.description = description;
  }

  #live(): Deno.PointerObject {
    if (this.#handle === null) throw new Error("Pipeline is closed");
    return this.#handle;
  }

  /** An element by the name the description gave it (`name=...`). */
  element(name: string): Element {
    return this.#adopt(new Element(this.#live(), name));
  }

  /**
   * Sets `property` on every element that `factory` made in the pipeline, inside branches and bins
   * too; returns how many there were.
   */
  setOnEach(factory: string, property: string, value: string | number | boolean): number {
    return setOnEachOfFactory(this.#live(), factory, property, value);
  }

  appSink(name: string): AppSink {
    return this.#adopt(new AppSink(this.#live(), name));
  }

  appSrc(name: string): AppSrc {
    return this.#adopt(new AppSrc(this.#live(), name));
  }

  /** webrtcbin by the name the description gave it. */
  webrtcBin(name: string): WebRtcBin {
    return this.#adopt(new WebRtcBin(elementByName(this.#live(), name), name));
  }

  /**
   * Adds a branch built from `description` behind the tee `tee` while the pipeline runs. The caller
   * closes it (`Branch.close()`); the pipeline's own close() stops it with everything else.
   */
  addBranch(tee: string, description: string): Branch {
    const branch = new Branch(this.#live(), description, { tee });
    this.#branches.add(branch);
    return branch;
  }

  /**
   * Adds a branch built from `description` whose element `from` feeds the element `into` while the
   * pipeline runs (e.g. a new network source in front of a running decoder). Closed like addBranch's.
   * `requested`: `into` gives it a request pad (a funnel's), released when the branch closes; `prefix`
   * names the bin (see Branch).
   */
  addSource(
    into: string,
    description: string,
    from: string,
    options: { requested?: boolean } & BranchOptions = {},
  ): Branch {
    const link = { into, from, requested: options.requested };
    const branch = new Branch(this.#live(), description, link, { prefix: options.prefix });
    this.#branches.add(branch);
    return branch;
  }

  /** Closes a branch added with addBranch or addSource and forgets it (see Branch.close's `drainMs`). */
  async removeBranch(branch: Branch, options: { drainMs?: number } = {}): Promise<void> {
    this.#branches.delete(branch);
    await branch.close(options);
  }

  #adopt<T extends { close(): void | Promise<void> }>(child: T): T {
    this.#children.push(child);
    return child;
  }

  /**
   * Starts the pipeline. When GStreamer refuses at once, the error it posted on the bus is thrown
   * (e.g. "Could not open device /dev/video9 for reading").
   */
  play(): void {
    this.#setState("playing");
  }

  /**
   * The pipeline's running time now, in ns (clock time − base time): the time base of buffer
   * timestamps. Undefined before the pipeline has a clock (not yet playing).
   */
  runningTime(): bigint | undefined {
    const { gst } = gstreamer();
    const clock = gst.gst_element_get_clock(this.#live());
    if (clock === null) return undefined;
    const now = gst.gst_clock_get_time(clock);
    gst.gst_object_unref(clock);
    return now - gst.gst_element_get_base_time(this.#live());
  }

  /**
   * Pushes the frame the video sink `sink` shows now into the appsrc `into` once more, timestamps
   * cleared (the appsrc stamps it with the running time): how a frozen picture gets a banner drawn
   * on it. The frame's memory is shared, not copied. False when the sink has shown nothing yet.
   */
  repeatLastFrame(sink: string, into: string): boolean {
    const { gst, gobject, app } = gstreamer();
    const display = elementByName(this.#live(), sink);
    const source = elementByName(this.#live(), into);
    try {
      const buffer = withProperty(display, "last-sample", (value) => {
        const sample = gobject.g_value_get_boxed(value);
        if (sample === null) return null;
        const frame = gst.gst_sample_get_buffer(sample);
        const caps = gst.gst_sample_get_caps(sample);
        if (frame === null || caps === null) return null;
        app.gst_app_src_set_caps(source, caps);
        return gst.gst_mini_object_copy(frame);
      });
      if (buffer === null) return false;
      const none = new BigUint64Array(Deno.UnsafePointerView.getArrayBuffer(buffer, 16, BUFFER_PTS));
      none.fill(CLOCK_TIME_NONE); // pts, dts
      return app.gst_app_src_push_buffer(source, buffer) === 0; // takes the buffer; GST_FLOW_OK
    } finally {
      gst.gst_object_unref(source);
      gst.gst_object_unref(display);
    }
  }

  /**
   * Seeks back to the start, to a keyframe: how a file source loops. `flush` (the default) drops
   * what is on its way and restarts running time at 0; `segment`: the end of the file posts
   * segment-done instead of EOS, and a seek then without flushing plays on, with running time (so
   * every timestamp downstream) going on rising, and nothing downstream disturbed. It fails when any
   * sink cannot pass the seek on (a webrtcbin viewer's transport waits in READY for its handshake):
   * a seek that must not fail is sent from an element (`Element.seekToStart`).
   */
  seekToStart(options: SeekToStartOptions = {}): boolean {
    return seekToStart(this.#live(), options);
  }

  #setState(state: PipelineState): void {
    const { gst } = gstreamer();
    const result = gst.gst_element_set_state(this.#live(), STATE_NUMBER[state]);
    if (result !== STATE_CHANGE_FAILURE) return;
    const error = this.#popNow();
    throw new GstError(error?.message ?? `Cannot set pipeline to ${state}`, { debug: error?.debug });
  }

  #popNow(): { message: string; debug?: string } | undefined {
    if (this.#bus === null) return undefined;
    const { gst } = gstreamer();
    for (;;) {
      // Timeout 0: only the messages already queued, so the synchronous alias cannot block.
      const message = gst.gst_bus_timed_pop_filtered_now(this.#bus, 0n, MESSAGE.ERROR);
      if (message === null) return undefined;
      const event = parseMessage(message);
      gst.gst_mini_object_unref(message);
      if (event?.type === "error") return event;
    }
  }

  /**
   * Delivers every bus event to `handler` until close(). One loop per pipeline; LATENCY messages are
   * handled here (latency is recalculated, as gst-launch does) and not delivered.
   */
  watch(handler: (event: BusEvent) => void): void {
    if (this.#busLoop) throw new Error("Pipeline bus already has a watcher");
    this.#busLoop = this.#loop(handler);
  }

  async #loop(handler: (event: BusEvent) => void): Promise<void> {
    const { gst } = gstreamer();
    while (this.#bus !== null && this.#handle !== null) {
      this.#pendingPop = gst.gst_bus_timed_pop_filtered(this.#bus, BUS_TIMEOUT_NS, WATCHED);
      const message = await this.#pendingPop;
      this.#pendingPop = undefined;
      if (message === null) continue;
      const type = new Deno.UnsafePointerView(message).getUint32(MESSAGE_TYPE);
      const event = type === MESSAGE.LATENCY ? undefined : parseMessage(message);
      if (type === MESSAGE.LATENCY && this.#handle !== null) gst.gst_bin_recalculate_latency(this.#handle);
      gst.gst_mini_object_unref(message);
      if (event) handler(event);
    }
  }

  /** Stops and releases everything; safe to call twice. */
  async close(): Promise<void> {
    const handle = this.#handle;
    if (handle === null) return;
    const { gst } = gstreamer();
    await Promise.all([...this.#branches].map((branch) => branch.close()));
    this.#branches.clear();
    gst.gst_element_set_state(handle, STATE_NUMBER.null);
    await Promise.all(this.#children.map((child) => child.close()));
    this.#children = [];
    this.#handle = null;
    await this.#pendingPop;
    await this.#busLoop;
    if (this.#bus !== null) gst.gst_object_unref(this.#bus);
    this.#bus = null;
    gst.gst_object_unref(handle);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function sourceName(message: Deno.PointerObject): string {
  const source = new Deno.UnsafePointerView(message).getPointer(MESSAGE_SRC);
  return source === null ? "" : takeString(gstreamer().gst.gst_object_get_name(source)) ?? "";
}

/** Where the message's source sits, e.g. "/GstPipeline:pipeline0/GstBin:branch3/GstWebRTCBin:webrtc". */
function sourcePath(message: Deno.PointerObject): string {
  const source = new Deno.UnsafePointerView(message).getPointer(MESSAGE_SRC);
  return source === null ? "" : takeString(gstreamer().gst.gst_object_get_path_string(source)) ?? "";
}

/** Turns a GstMessage into a BusEvent; undefined for messages the application does not need. */
function parseMessage(message: Deno.PointerObject): BusEvent | undefined {
  const { gst } = gstreamer();
  const type = new Deno.UnsafePointerView(message).getUint32(MESSAGE_TYPE);
  switch (type) {
    case MESSAGE.EOS:
      return { type: "eos" };
    case MESSAGE.SEGMENT_DONE:
      return { type: "segment-done" };
    case MESSAGE.ERROR:
    case MESSAGE.WARNING: {
      const error = outPointer();
      const debug = outPointer();
      const parse = type === MESSAGE.ERROR ? gst.gst_message_parse_error : gst.gst_message_parse_warning;
      parse(message, error, debug);
      return {
        type: type === MESSAGE.ERROR ? "error" : "warning",
        source: sourceName(message),
        path: sourcePath(message),
        message: takeError(error) ?? "unknown error",
        debug: takeString(pointerOf(debug)),
      };
    }
    case MESSAGE.STATE_CHANGED: {
      const from = new Int32Array(1);
      const to = new Int32Array(1);
      gst.gst_message_parse_state_changed(message, from, to, new Int32Array(1));
      return { type: "state", source: sourceName(message), from: STATES[from[0] - 1], to: STATES[to[0] - 1] };
    }
    case MESSAGE.ELEMENT:
      return keyPress(message);
  }
  return undefined;
}

/** A key pressed in a video window: video sinks post unhandled navigation events as element messages. */
function keyPress(message: Deno.PointerObject): BusEvent | undefined {
  const { gst, video } = gstreamer();
  if (video.gst_navigation_message_get_type(message) !== 4 /* GST_NAVIGATION_MESSAGE_EVENT */) {
    return undefined;
  }
  const out = outPointer();
  if (!video.gst_navigation_message_parse_event(message, out)) return undefined;
  const event = pointerOf(out);
  if (event === null) return undefined;
  try {
    if (video.gst_navigation_event_get_type(event) !== 1 /* GST_NAVIGATION_EVENT_KEY_PRESS */) {
      return undefined;
    }
    const key = outPointer();
    if (!video.gst_navigation_event_parse_key_event(event, key)) return undefined;
    const name = readString(pointerOf(key));
    return name === undefined ? undefined : { type: "key", key: name };
  } finally {
    gst.gst_mini_object_unref(event);
  }
}
