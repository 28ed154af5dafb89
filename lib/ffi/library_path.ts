/**
 * Where GStreamer's shared libraries are looked for on each OS. Pure: the OS and environment are
 * arguments, so the search is unit-tested for all three platforms on any machine.
 */

/** The GStreamer and GLib libraries rov-stream binds, by their Linux name stem. */
export const GST_LIBRARIES = [
  "gstreamer",
  "gstapp",
  "gstvideo",
  "glib",
  "gobject",
  "gstsdp",
  "gstwebrtc",
  "gio",
  "nice",
  "gstrtspserver",
] as const;
export type GstLibrary = typeof GST_LIBRARIES[number];

export type HostOs = "linux" | "darwin" | "windows";

/** The environment the search reads; `Deno.env.toObject()` in real use. */
export type Environment = Record<string, string | undefined>;

const LINUX_NAMES: Record<GstLibrary, string> = {
  gstreamer: "libgstreamer-1.0.so.0",
  gstapp: "libgstapp-1.0.so.0",
  gstvideo: "libgstvideo-1.0.so.0",
  glib: "libglib-2.0.so.0",
  gobject: "libgobject-2.0.so.0",
  gstsdp: "libgstsdp-1.0.so.0",
  gstwebrtc: "libgstwebrtc-1.0.so.0",
  gio: "libgio-2.0.so.0",
  nice: "libnice.so.10",
  gstrtspserver: "libgstrtspserver-1.0.so.0",
};
const DARWIN_NAMES: Record<GstLibrary, string> = {
  gstreamer: "libgstreamer-1.0.0.dylib",
  gstapp: "libgstapp-1.0.0.dylib",
  gstvideo: "libgstvideo-1.0.0.dylib",
  glib: "libglib-2.0.0.dylib",
  gobject: "libgobject-2.0.0.dylib",
  gstsdp: "libgstsdp-1.0.0.dylib",
  gstwebrtc: "libgstwebrtc-1.0.0.dylib",
  gio: "libgio-2.0.0.dylib",
  nice: "libnice.10.dylib",
  gstrtspserver: "libgstrtspserver-1.0.0.dylib",
};
const WINDOWS_NAMES: Record<GstLibrary, string> = {
  gstreamer: "gstreamer-1.0-0.dll",
  gstapp: "gstapp-1.0-0.dll",
  gstvideo: "gstvideo-1.0-0.dll",
  glib: "glib-2.0-0.dll",
  gobject: "gobject-2.0-0.dll",
  gstsdp: "gstsdp-1.0-0.dll",
  gstwebrtc: "gstwebrtc-1.0-0.dll",
  gio: "gio-2.0-0.dll",
  nice: "nice-10.dll",
  gstrtspserver: "gstrtspserver-1.0-0.dll",
};

/** The default install folder of the official MSVC x86_64 runtime installer. */
export const WINDOWS_DEFAULT_ROOT = "C:\\Program Files\\GStreamer\\1.0\\msvc_x86_64";
const DARWIN_FRAMEWORK = "/Library/Frameworks/GStreamer.framework/Versions/1.0/lib";

/** A plan for loading GStreamer: folders to try in order, and PATH to set first on Windows. */
export interface LibrarySearch {
  /** Folders tried in order; `""` means the system loader's own search (soname only). */
  dirs: string[];
  /** On Windows, the PATH value to set before loading so dependent DLLs are found. */
  path?: string;
}

function join(os: HostOs, dir: string, name: string): string {
  if (dir === "") return name;
  const sep = os === "windows" ? "\\" : "/";
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** The folders searched for GStreamer on `os`, the `ROV_GST_LIB_DIR` override first. */
export function librarySearch(os: HostOs, env: Environment): LibrarySearch {
  const override = env.ROV_GST_LIB_DIR?.trim();
  const dirs: string[] = override ? [override] : [];
  if (os === "linux") {
    dirs.push("", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib");
    return { dirs };
  }
  if (os === "darwin") {
    dirs.push(DARWIN_FRAMEWORK, "/opt/homebrew/lib", "/usr/local/lib", "");
    return { dirs };
  }
  const root = env.GSTREAMER_1_0_ROOT_MSVC_X86_64?.trim() || WINDOWS_DEFAULT_ROOT;
  const bin = join("windows", root, "bin");
  dirs.push(bin);
  const current = env.PATH ?? env.Path ?? "";
  const first = override ?? bin;
  const path = current.split(";").includes(first) ? current : [first, current].filter(Boolean).join(";");
  return { dirs, path };
}

/** The file name of `lib` on `os`. */
export function libraryFileName(os: HostOs, lib: GstLibrary): string {
  const names = os === "linux" ? LINUX_NAMES : os === "darwin" ? DARWIN_NAMES : WINDOWS_NAMES;
  return names[lib];
}

/** Every path tried for `lib` on `os`, in order. */
export function libraryCandidates(os: HostOs, env: Environment, lib: GstLibrary): string[] {
  return librarySearch(os, env).dirs.map((dir) => join(os, dir, libraryFileName(os, lib)));
}

/** OpenSSL's libcrypto by file name, newest first (GStreamer 1.22 builds use 3; older ones 1.1). */
const CRYPTO_NAMES: Record<HostOs, string[]> = {
  linux: ["libcrypto.so.3", "libcrypto.so.1.1"],
  darwin: ["libcrypto.3.dylib", "libcrypto.1.1.dylib"],
  windows: ["libcrypto-3-x64.dll", "libcrypto-1_1-x64.dll"],
};

/**
 * Every path tried for libcrypto on `os`: in GStreamer's own folders, so that on macOS and Windows
 * (where GStreamer ships its own OpenSSL) it is the copy GStreamer's DTLS plugin uses.
 */
export function cryptoCandidates(os: HostOs, env: Environment): string[] {
  const dirs = librarySearch(os, env).dirs;
  return CRYPTO_NAMES[os].flatMap((name) => dirs.map((dir) => join(os, dir, name)));
}

/** How to install GStreamer on `os`: the runtime and the plugins both modes need. */
export function installHint(os: HostOs): string {
  switch (os) {
    case "linux":
      return "install it with: sudo apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base " +
        "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav " +
        "gstreamer1.0-x gstreamer1.0-nice (Fedora: sudo dnf install gstreamer1-plugins-base " +
        "gstreamer1-plugins-good gstreamer1-plugins-bad-free gstreamer1-plugins-ugly-free gstreamer1-libav)";
    case "darwin":
      return "install the GStreamer runtime framework package (gstreamer-1.0-<version>-universal.pkg) " +
        "from gstreamer.freedesktop.org, or: brew install gstreamer";
    case "windows":
      return "install the GStreamer MSVC x86_64 runtime (gstreamer-1.0-msvc-x86_64-<version>.msi, " +
        "complete install) from gstreamer.freedesktop.org, or set GSTREAMER_1_0_ROOT_MSVC_X86_64";
  }
}

/** `SOL_SOCKET` and `SO_RCVBUF` on `os`, for `g_socket_set_option`. */
export function receiveBufferOption(os: HostOs): { level: number; name: number } {
  // Linux numbers them 1 and 8; BSD sockets (macOS) and Winsock 0xffff and 0x1002.
  return os === "linux" ? { level: 1, name: 8 } : { level: 0xffff, name: 0x1002 };
}

/** The OS Deno runs on, in the terms of this module. */
export function hostOs(): HostOs {
  const os = Deno.build.os;
  return os === "darwin" ? "darwin" : os === "windows" ? "windows" : "linux";
}
