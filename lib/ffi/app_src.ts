/** appsrc: packets from JavaScript into a pipeline. */
import { gstreamer } from "./gst.ts";
import { elementByName } from "./element.ts";

export class AppSrc {
  #handle: Deno.PointerObject | null;
  readonly name: string;

  constructor(bin: Deno.PointerObject, name: string) {
    this.#handle = elementByName(bin, name);
    this.name = name;
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
