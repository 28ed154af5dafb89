import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { GstMissingError, gstreamerInfo, type Opener, openLibrary } from "../../lib/ffi/gst.ts";
import { GSTAPP_SYMBOLS } from "../../lib/ffi/symbols.ts";

const failing: Opener = (path) => {
  throw new Error(`Could not open library: ${path}: cannot open shared object file\nmore detail`);
};

Deno.test("openLibrary names every path tried and the installer when GStreamer is missing", () => {
  for (const os of ["linux", "darwin", "windows"] as const) {
    try {
      openLibrary("gstapp", GSTAPP_SYMBOLS, { os, env: { ROV_GST_LIB_DIR: "/opt/gst" }, open: failing });
      throw new Error("expected a failure");
    } catch (error) {
      assert(error instanceof GstMissingError, String(error));
      const message = error.message;
      assert(!message.includes("\n"), "one line");
      assert(message.startsWith("Cannot load GStreamer: tried /opt/gst"), message);
      assert(
        message.includes(os === "linux" ? "apt-get install" : os === "darwin" ? ".pkg" : "msvc-x86_64"),
        message,
      );
    }
  }
  assertThrows(
    () => openLibrary("glib", {}, { os: "linux", env: {}, open: failing }),
    /^GstMissingError: Cannot load GStreamer: tried libglib-2\.0\.so\.0 \(libglib-2\.0\.so\.0: cannot open shared object file\), \/usr\/lib/,
  );
});

Deno.test("openLibrary returns the first path that loads", () => {
  const opened: string[] = [];
  const second: Opener = (path, symbols) => {
    opened.push(path);
    if (opened.length < 2) throw new Error("no");
    return Deno.dlopen("libglib-2.0.so.0", symbols);
  };
  const { library, path } = openLibrary("glib", {}, { os: "linux", env: {}, open: second });
  assertEquals(path, opened[1]);
  library.close();
});

Deno.test("gstreamerInfo reports the version and where it was loaded from", () => {
  const info = gstreamerInfo();
  assert(/^GStreamer 1\.\d+/.test(info.version), info.version);
  assert(info.path.includes("libgstreamer-1.0"), info.path);
});
