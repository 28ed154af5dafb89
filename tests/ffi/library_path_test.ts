import { assert, assertEquals } from "../support/assert.ts";
import {
  cryptoCandidates,
  installHint,
  libraryCandidates,
  librarySearch,
  receiveBufferOption,
  WINDOWS_DEFAULT_ROOT,
} from "../../lib/ffi/library_path.ts";

Deno.test("libraryCandidates on Linux tries the soname first, then the multiarch folders", () => {
  const paths = libraryCandidates("linux", {}, "gstreamer");
  assertEquals(paths[0], "libgstreamer-1.0.so.0");
  assert(paths.includes("/usr/lib/x86_64-linux-gnu/libgstreamer-1.0.so.0"));
  assert(paths.includes("/usr/lib/aarch64-linux-gnu/libgstreamer-1.0.so.0"));
});

Deno.test("libraryCandidates puts ROV_GST_LIB_DIR first on every OS", () => {
  assertEquals(
    libraryCandidates("linux", { ROV_GST_LIB_DIR: "/opt/gst/lib" }, "gstapp")[0],
    "/opt/gst/lib/libgstapp-1.0.so.0",
  );
  assertEquals(libraryCandidates("darwin", { ROV_GST_LIB_DIR: "/x/" }, "glib")[0], "/x/libglib-2.0.0.dylib");
  assertEquals(
    libraryCandidates("windows", { ROV_GST_LIB_DIR: "D:\\gst\\bin" }, "gstvideo")[0],
    "D:\\gst\\bin\\gstvideo-1.0-0.dll",
  );
});

Deno.test("libraryCandidates on macOS tries the GStreamer framework before Homebrew", () => {
  const paths = libraryCandidates("darwin", {}, "gstreamer");
  assertEquals(paths[0], "/Library/Frameworks/GStreamer.framework/Versions/1.0/lib/libgstreamer-1.0.0.dylib");
  assert(paths.indexOf("/opt/homebrew/lib/libgstreamer-1.0.0.dylib") > 0);
});

Deno.test("librarySearch on Windows uses the MSVC root's bin folder and puts it first on PATH", () => {
  const fallback = librarySearch("windows", { PATH: "C:\\Windows" });
  assertEquals(fallback.dirs, [`${WINDOWS_DEFAULT_ROOT}\\bin`]);
  assertEquals(fallback.path, `${WINDOWS_DEFAULT_ROOT}\\bin;C:\\Windows`);
  const custom = librarySearch("windows", {
    GSTREAMER_1_0_ROOT_MSVC_X86_64: "E:\\gstreamer\\1.0\\msvc_x86_64\\",
    PATH: "",
  });
  assertEquals(custom.dirs, ["E:\\gstreamer\\1.0\\msvc_x86_64\\bin"]);
  assertEquals(custom.path, "E:\\gstreamer\\1.0\\msvc_x86_64\\bin");
  assertEquals(libraryCandidates("windows", {}, "gstreamer"), [
    `${WINDOWS_DEFAULT_ROOT}\\bin\\gstreamer-1.0-0.dll`,
  ]);
});

Deno.test("librarySearch on Windows does not add the folder to PATH twice", () => {
  const bin = `${WINDOWS_DEFAULT_ROOT}\\bin`;
  assertEquals(librarySearch("windows", { PATH: `C:\\a;${bin}` }).path, `C:\\a;${bin}`);
});

Deno.test("installHint names the installer of each OS", () => {
  assert(installHint("linux").includes("apt-get install"));
  assert(installHint("linux").includes("gstreamer1.0-libav"));
  assert(installHint("darwin").includes(".pkg"));
  assert(installHint("windows").includes("msvc-x86_64"));
});

Deno.test("receiveBufferOption gives SOL_SOCKET and SO_RCVBUF of each OS", () => {
  assertEquals(receiveBufferOption("linux"), { level: 1, name: 8 });
  assertEquals(receiveBufferOption("darwin"), { level: 0xffff, name: 0x1002 });
  assertEquals(receiveBufferOption("windows"), { level: 0xffff, name: 0x1002 });
});

Deno.test("cryptoCandidates looks for libcrypto 3, then 1.1, in GStreamer's folders", () => {
  const linux = cryptoCandidates("linux", {});
  assertEquals(linux[0], "libcrypto.so.3");
  assert(linux.indexOf("/usr/lib/x86_64-linux-gnu/libcrypto.so.3") < linux.indexOf("libcrypto.so.1.1"));
  assertEquals(
    cryptoCandidates("darwin", {})[0],
    "/Library/Frameworks/GStreamer.framework/Versions/1.0/lib/libcrypto.3.dylib",
  );
  assertEquals(cryptoCandidates("windows", {})[0], `${WINDOWS_DEFAULT_ROOT}\\bin\\libcrypto-3-x64.dll`);
  assertEquals(
    cryptoCandidates("linux", { ROV_GST_LIB_DIR: "/opt/gst/lib" })[0],
    "/opt/gst/lib/libcrypto.so.3",
  );
});
