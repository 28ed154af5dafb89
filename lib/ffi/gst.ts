/**
 * Loads GStreamer through Deno FFI and owns the low-level helpers every wrapper uses: C strings,
 * out-parameters, and the one place where a GError or a NULL return becomes an exception.
 */
import {
  GIO_SYMBOLS,
  GLIB_SYMBOLS,
  GOBJECT_SYMBOLS,
  GSTAPP_SYMBOLS,
  GSTREAMER_SYMBOLS,
  GSTRTSPSERVER_SYMBOLS,
  GSTSDP_SYMBOLS,
  GSTVIDEO_SYMBOLS,
  GSTWEBRTC_SYMBOLS,
  NICE_SYMBOLS,
} from "./symbols.ts";
import {
  type Environment,
  type GstLibrary,
  type HostOs,
  hostOs,
  installHint,
  libraryCandidates,
  librarySearch,
} from "./library_path.ts";

/** GST_CLOCK_TIME_NONE: no time (an unset timestamp, "as soon as possible"). */
export const CLOCK_TIME_NONE = 0xffff_ffff_ffff_ffffn;
/** GstBuffer.pts (after its GstMiniObject and pool pointer); GstBuffer.dts follows. */
export const BUFFER_PTS = 72;

/** An error GStreamer reported, with GStreamer's own text. */
export class GstError extends Error {
  override name = "GstError";
  /** GStreamer's debug detail (file, function, element), when it gave one. */
  readonly debug?: string;
  constructor(message: string, options?: { debug?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.debug = options?.debug;
  }
}

/** GStreamer itself could not be loaded: every path tried is in the message. */
export class GstMissingError extends Error {
  override name = "GstMissingError";
}

type Libs = {
  gst: Deno.DynamicLibrary<typeof GSTREAMER_SYMBOLS>["symbols"];
  app: Deno.DynamicLibrary<typeof GSTAPP_SYMBOLS>["symbols"];
  video: Deno.DynamicLibrary<typeof GSTVIDEO_SYMBOLS>["symbols"];
  glib: Deno.DynamicLibrary<typeof GLIB_SYMBOLS>["symbols"];
  gobject: Deno.DynamicLibrary<typeof GOBJECT_SYMBOLS>["symbols"];
};

/** The libraries only the webrtcbin engine needs: loaded on first use, so their absence costs nothing else. */
type WebRtcLibs = {
  sdp: Deno.DynamicLibrary<typeof GSTSDP_SYMBOLS>["symbols"];
  webrtc: Deno.DynamicLibrary<typeof GSTWEBRTC_SYMBOLS>["symbols"];
};

let libs: Libs | undefined;
let loadedFrom = "";

/** How a library is opened: `Deno.dlopen` in real use; tests pass one that fails. */
export type Opener = <S extends Deno.ForeignLibraryInterface>(
  path: string,
  symbols: S,
) => Deno.DynamicLibrary<S>;

/**
 * Opens `lib` from the first candidate path that loads. When none does, a GstMissingError names every
 * path tried (with the loader's reason) and how to install GStreamer on `os`.
 */
export function openLibrary<S extends Deno.ForeignLibraryInterface>(
  lib: GstLibrary,
  symbols: S,
  options: { os: HostOs; env: Environment; open?: Opener },
): { library: Deno.DynamicLibrary<S>; path: string } {
  const tried: string[] = [];
  for (const path of libraryCandidates(options.os, options.env, lib)) {
    try {
      return { library: (options.open ?? Deno.dlopen)(path, symbols), path };
    } catch (error) {
      const reason = (error instanceof Error ? error.message.split("\n")[0] : String(error))
        .replaceAll("Could not open library: ", "");
      tried.push(tried.length === 0 ? `${path} (${reason})` : path);
    }
  }
  // The first path's reason is the telling one (a broken install, a wrong architecture); the rest
  // are the usual places, named so a user can see where it looked.
  throw new GstMissingError(
    `Cannot load GStreamer: tried ${tried.join(", ")}; ${installHint(options.os)}` +
      ` (or set ROV_GST_LIB_DIR to the folder that has it)`,
  );
}

/** Loads and initialises GStreamer once; later calls return the same bindings. */
export function gstreamer(): Libs {
  if (libs) return libs;
  const os = hostOs();
  const env = Deno.env.toObject();
  const search = librarySearch(os, env);
  if (search.path !== undefined) Deno.env.set("PATH", search.path);
  const where = { os, env };
  const gst = openLibrary("gstreamer", GSTREAMER_SYMBOLS, where);
  const loaded: Libs = {
    gst: gst.library.symbols,
    app: openLibrary("gstapp", GSTAPP_SYMBOLS, where).library.symbols,
    video: openLibrary("gstvideo", GSTVIDEO_SYMBOLS, where).library.symbols,
    glib: openLibrary("glib", GLIB_SYMBOLS, where).library.symbols,
    gobject: openLibrary("gobject", GOBJECT_SYMBOLS, where).library.symbols,
  };
  const error = outPointer();
  if (!loaded.gst.gst_init_check(null, null, error)) {
    throwIfError(error, "Cannot initialise GStreamer", loaded);
    throw new GstError("Cannot initialise GStreamer");
  }
  loadedFrom = gst.path;
  libs = loaded;
  return loaded;
}

let webrtcLibs: WebRtcLibs | undefined;

/** GStreamer's SDP and WebRTC libraries (webrtcbin engine); throws GstMissingError when absent. */
export function gstWebRtc(): WebRtcLibs {
  if (webrtcLibs) return webrtcLibs;
  gstreamer();
  const where = { os: hostOs(), env: Deno.env.toObject() };
  webrtcLibs = {
    sdp: openLibrary("gstsdp", GSTSDP_SYMBOLS, where).library.symbols,
    webrtc: openLibrary("gstwebrtc", GSTWEBRTC_SYMBOLS, where).library.symbols,
  };
  return webrtcLibs;
}

let rtspServerLib: Deno.DynamicLibrary<typeof GSTRTSPSERVER_SYMBOLS>["symbols"] | undefined;

/** gst-rtsp-server, loaded on first use; throws GstMissingError when it is absent. */
export function gstRtspServer(): Deno.DynamicLibrary<typeof GSTRTSPSERVER_SYMBOLS>["symbols"] {
  if (rtspServerLib) return rtspServerLib;
  gstreamer();
  const where = { os: hostOs(), env: Deno.env.toObject() };
  rtspServerLib = openLibrary("gstrtspserver", GSTRTSPSERVER_SYMBOLS, where).library.symbols;
  return rtspServerLib;
}

/** libnice and GIO, for the sockets under webrtcbin's ICE agent. */
type SocketLibs = {
  nice: Deno.DynamicLibrary<typeof NICE_SYMBOLS>["symbols"];
  gio: Deno.DynamicLibrary<typeof GIO_SYMBOLS>["symbols"];
};
let socketLibs: SocketLibs | null | undefined;

/**
 * libnice and GIO, or null where either cannot be loaded (they only tune sockets: nothing depends
 * on them).
 */
export function niceSockets(): SocketLibs | null {
  if (socketLibs !== undefined) return socketLibs;
  const where = { os: hostOs(), env: Deno.env.toObject() };
  try {
    socketLibs = {
      nice: openLibrary("nice", NICE_SYMBOLS, where).library.symbols,
      gio: openLibrary("gio", GIO_SYMBOLS, where).library.symbols,
    };
  } catch {
    socketLibs = null;
  }
  return socketLibs;
}

/** The GStreamer version string and the library path it was loaded from. */
export function gstreamerInfo(): { version: string; path: string } {
  const { gst } = gstreamer();
  return { version: takeString(gst.gst_version_string()) ?? "unknown", path: loadedFrom };
}

/** A NUL-terminated UTF-8 copy of `text` for a `const gchar *` parameter. */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text + "\0");
}

/** A one-slot out-parameter (`GError **`, `gchar **`, `GstEvent **`). */
export function outPointer(): BigUint64Array<ArrayBuffer> {
  return new BigUint64Array(1);
}

/** The pointer an out-parameter received, or null. */
export function pointerOf(out: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(out[0]);
}

/** Reads a C string without freeing it. */
export function readString(pointer: Deno.PointerValue): string | undefined {
  return pointer === null ? undefined : Deno.UnsafePointerView.getCString(pointer);
}

/** Reads a C string that the caller owns, then frees it with g_free. */
export function takeString(pointer: Deno.PointerValue): string | undefined {
  if (pointer === null) return undefined;
  const text = Deno.UnsafePointerView.getCString(pointer);
  gstreamer().glib.g_free(pointer);
  return text;
}

/** Reads and frees the GError in `out`, if any: its message (offset 8 in GError). */
export function takeError(out: BigUint64Array, bindings: Libs = gstreamer()): string | undefined {
  const error = pointerOf(out);
  if (error === null) return undefined;
  const message = readString(new Deno.UnsafePointerView(error).getPointer(8)) ?? "unknown error";
  bindings.glib.g_error_free(error);
  out[0] = 0n;
  return message;
}

/** Throws a GstError "`context`: GStreamer's message" when `out` holds a GError. */
export function throwIfError(out: BigUint64Array, context: string, bindings: Libs = gstreamer()): void {
  const message = takeError(out, bindings);
  if (message !== undefined) throw new GstError(`${context}: ${message}`);
}

/**
 * The one check for GStreamer results: a set GError, or a NULL where an object was expected,
 * becomes a GstError naming `context`. A non-NULL result beside a GError (gst_parse_launch's partial
 * pipeline) is released before throwing.
 */
export function checked(
  result: Deno.PointerValue,
  context: string,
  error?: BigUint64Array,
): Deno.PointerObject {
  const message = error ? takeError(error) : undefined;
  if (message !== undefined) {
    if (result !== null) gstreamer().gst.gst_object_unref(result);
    throw new GstError(`${context}: ${message}`);
  }
  if (result === null) throw new GstError(`${context}: GStreamer returned nothing`);
  return result;
}

/** Whether an element factory of this name is registered (a plugin provides it). */
export function hasElement(name: string): boolean {
  const { gst } = gstreamer();
  const factory = gst.gst_element_factory_find(cString(name));
  if (factory === null) return false;
  gst.gst_object_unref(factory);
  return true;
}
