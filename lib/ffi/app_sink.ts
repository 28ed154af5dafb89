/** appsink: buffers out of a pipeline into JavaScript, through exactly one pull loop. */
import { BUFFER_PTS, checked, CLOCK_TIME_NONE, cString, gstreamer } from "./gst.ts";
import { elementByName } from "./element.ts";

/** One buffer pulled from an appsink. */
export interface Sample {
  /** The buffer's size in bytes (copied or not). */
  size?: number;
  /** A copy of the buffer's bytes, when the loop was asked to copy. */
  data?: Uint8Array<ArrayBuffer>;
  /** Presentation time in nanoseconds (stream time of its segment), when the buffer has one. */
  pts?: bigint;
  /** The same as pipeline running time (what the clock says at capture), when it maps. */
  runningTime?: bigint;
  /**
   * The sender's wall-clock time for this buffer, ns since 1900 (NTP epoch), from a reference
   * timestamp meta (rtpjitterbuffer adds one from RTCP sender reports), when asked and present.
   */
  ntpTime?: bigint;
  /** Frame size from the sample's caps, for raw video. */
  width?: number;
  height?: number;
  /** The decoder marked the frame corrupted (GST_BUFFER_FLAG_CORRUPTED: data was missing). */
  corrupted?: boolean;
  /** Not a keyframe (GST_BUFFER_FLAG_DELTA_UNIT). */
  delta?: boolean;
  /** The first buffer after a gap (GST_BUFFER_FLAG_DISCONT: e.g. packets were lost before it). */
  discont?: boolean;
}

export interface PullOptions {
  /** Copy each buffer's bytes into `Sample.data` (RTP packets); false for frame counting. */
  copy?: boolean;
  /** Copy only the first this many bytes (e.g. the top rows of a frame); implies copy. */
  copyBytes?: number;
  /** Read each buffer's NTP reference timestamp meta into `Sample.ntpTime`. */
  ntpTime?: boolean;
  signal?: AbortSignal;
}

const MAP_INFO_SIZE = 104; // sizeof(GstMapInfo) on x86_64 and aarch64
const MAP_DATA = 16; // GstMapInfo.data
const MAP_SIZE = 24; // GstMapInfo.size
const MINI_OBJECT_FLAGS = 16; // GstMiniObject.flags (guint), after GType and two gints
const FLAG_DISCONT = 16 << 2; // GST_BUFFER_FLAG_DISCONT = GST_MINI_OBJECT_FLAG_LAST << 2
const FLAG_CORRUPTED = 16 << 4; // GST_BUFFER_FLAG_CORRUPTED = GST_MINI_OBJECT_FLAG_LAST << 4
const FLAG_DELTA_UNIT = 16 << 9; // GST_BUFFER_FLAG_DELTA_UNIT = GST_MINI_OBJECT_FLAG_LAST << 9
const REFERENCE_TIMESTAMP = 24; // GstReferenceTimestampMeta.timestamp, after GstMeta (16) and reference
const PULL_TIMEOUT_NS = 100_000_000n; // wake at least every 100 ms to notice close()

export class AppSink {
  #handle: Deno.PointerObject | null;
  #pending: Promise<Deno.PointerValue> | undefined;
  #looping = false;
  #map = new Uint8Array(MAP_INFO_SIZE);
  #caps: { pointer: bigint; width?: number; height?: number } = { pointer: 0n };
  readonly name: string;

  constructor(bin: Deno.PointerObject, name: string) {
    this.#handle = elementByName(bin, name);
    this.name = name;
  }

  /**
   * The one pull loop of this appsink: one nonblocking pull, then a synchronous drain at timeout 0,
   * so a burst of packets costs one Promise. Ends when the sink is closed or `signal` aborts.
   */
  async *pull(options: PullOptions = {}): AsyncGenerator<Sample> {
    if (this.#looping) throw new Error(`appsink "${this.name}" already has a pull loop`);
    this.#looping = true;
    const { app } = gstreamer();
    try {
      while (this.#handle !== null && !options.signal?.aborted) {
        this.#pending = app.gst_app_sink_try_pull_sample(this.#handle, PULL_TIMEOUT_NS);
        let sample = await this.#pending;
        this.#pending = undefined;
        while (sample !== null) {
          const out = this.#read(sample, options.copyBytes ?? (options.copy ? Infinity : 0), options.ntpTime);
          gstreamer().gst.gst_mini_object_unref(sample);
          yield out;
          if (this.#handle === null) return;
          sample = app.gst_app_sink_try_pull_sample_now(this.#handle, 0n);
        }
      }
    } finally {
      this.#looping = false;
    }
  }

  #read(sample: Deno.PointerObject, copy: number, ntpTime = false): Sample {
    const { gst } = gstreamer();
    const out: Sample = {};
    const buffer = gst.gst_sample_get_buffer(sample);
    if (buffer !== null) {
      out.size = Number(gst.gst_buffer_get_size(buffer));
      if (ntpTime) {
        const meta = gst.gst_buffer_get_reference_timestamp_meta(buffer, ntpCaps());
        if (meta !== null) out.ntpTime = new Deno.UnsafePointerView(meta).getBigUint64(REFERENCE_TIMESTAMP);
      }
      const view = new Deno.UnsafePointerView(buffer);
      const flags = view.getUint32(MINI_OBJECT_FLAGS);
      out.corrupted = (flags & FLAG_CORRUPTED) !== 0;
      out.delta = (flags & FLAG_DELTA_UNIT) !== 0;
      out.discont = (flags & FLAG_DISCONT) !== 0;
      const pts = view.getBigUint64(BUFFER_PTS);
      if (pts !== CLOCK_TIME_NONE) {
        out.pts = pts;
        // Encoders shift timestamps (x264enc by 1000 h) inside a matching segment: map through it.
        const segment = gst.gst_sample_get_segment(sample);
        const running = segment === null
          ? CLOCK_TIME_NONE
          : gst.gst_segment_to_running_time(segment, 3, /* TIME */ pts);
        if (running !== CLOCK_TIME_NONE) out.runningTime = running;
      }
      if (copy > 0 && gst.gst_buffer_map(buffer, this.#map, 1 /* GST_MAP_READ */)) {
        const view = new DataView(this.#map.buffer);
        const data = Deno.UnsafePointer.create(view.getBigUint64(MAP_DATA, true));
        const size = Math.min(copy, Number(view.getBigUint64(MAP_SIZE, true)));
        out.data = new Uint8Array(size);
        if (data !== null && size > 0) new Deno.UnsafePointerView(data).copyInto(out.data);
        gst.gst_buffer_unmap(buffer, this.#map);
      }
    }
    const caps = gst.gst_sample_get_caps(sample);
    const key = caps === null ? 0n : BigInt(Deno.UnsafePointer.value(caps));
    if (caps !== null && key !== this.#caps.pointer) this.#caps = { pointer: key, ...frameSize(caps) };
    if (this.#caps.width !== undefined) {
      out.width = this.#caps.width;
      out.height = this.#caps.height;
    }
    return out;
  }

  /** Waits for a pull in flight (it returns within 100 ms, or at once in NULL state), then releases. */
  async close(): Promise<void> {
    const handle = this.#handle;
    if (handle === null) return;
    this.#handle = null;
    await this.#pending;
    gstreamer().gst.gst_object_unref(handle);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

let ntpReference: Deno.PointerObject | undefined;

/** The caps naming NTP reference timestamps; made once and kept for the process's life. */
function ntpCaps(): Deno.PointerObject {
  ntpReference ??= checked(
    gstreamer().gst.gst_caps_from_string(cString("timestamp/x-ntp")),
    "Cannot make the caps timestamp/x-ntp",
  );
  return ntpReference;
}

function frameSize(caps: Deno.PointerObject): { width?: number; height?: number } {
  const { gst } = gstreamer();
  const structure = gst.gst_caps_get_structure(caps, 0);
  if (structure === null) return {};
  const value = new Int32Array(1);
  const read = (field: string) =>
    gst.gst_structure_get_int(structure, cString(field), value) ? value[0] : undefined;
  const width = read("width");
  const height = read("height");
  return width !== undefined && height !== undefined ? { width, height } : {};
}
