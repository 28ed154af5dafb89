/** appsrc: packets from JavaScript into a pipeline. */
import { gstreamer } from "./gst.ts";
import { elementByName } from "./element.ts";
import { hasProperty, setProperty } from "./gobject.ts";

export class AppSrc {
  #handle: Deno.PointerObject | null;
  readonly name: string;

  constructor(bin: Deno.PointerObject, name: string) {
    this.#handle = elementByName(bin, name);
    this.name = name;
  }

  /**
   * Bounds the queue inside the appsrc: past `buffers` buffers or `bytes` bytes (0: no limit of that
   * kind) the oldest are dropped. By default it grows without end while the pipeline is behind, and
   * blocking instead would stall the event loop. False on GStreamer before 1.20 (no leaky-type).
   */
  dropOldestBeyond(limits: { buffers?: number; bytes?: number }): boolean {
    if (this.#handle === null || !hasProperty(this.#handle, "leaky-type")) return false;
    setProperty(this.#handle, "max-buffers", limits.buffers ?? 0);
    setProperty(this.#handle, "max-bytes", limits.bytes ?? 0);
    setProperty(this.#handle, "leaky-type", "downstream");
    return true;
  }

  /** Copies `data` into a new buffer and pushes it; false once the pipeline is flushing or closed. */
  push(data: Uint8Array<ArrayBuffer>): boolean {
    if (this.#handle === null) return false;
    const { gst, app } = gstreamer();
    const buffer = gst.gst_buffer_new_memdup(data, BigInt(data.byteLength));
    if (buffer === null) return false;
    return app.gst_app_src_push_buffer(this.#handle, buffer) === 0; // GST_FLOW_OK
  }

  endOfStream(): void {
    if (this.#handle !== null) gstreamer().app.gst_app_src_end_of_stream(this.#handle);
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
