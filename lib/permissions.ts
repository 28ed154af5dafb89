/**
 * The Deno permissions rov-server and rov-client run with, in `deno task server|client`, in the tests
 * and baked into the compiled executables: FFI for GStreamer, env for its library search and werift's
 * debug module (which reads the whole environment), read for files and libraries, write for
 * --sdp-file, --stats-json and the kept DTLS key (lib/webrtc/dtls_key.ts), net for signalling,
 * discovery and media, sys for the interface list and host name only. `--unstable-net` enables
 * Deno.listenDatagram.
 */
export const PERMISSION_FLAGS = [
  "--unstable-net",
  "--allow-ffi",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-sys=hostname,networkInterfaces",
];

/**
 * V8's own settings, in the tasks, the tests and the compiled executables alike. `--optimize-for-size`
 * makes V8 collect garbage before it grows its heap: werift makes a lot of short-lived garbage (SRTP
 * and packets in JavaScript), and at V8's defaults resident memory rose 36–41 % over 200 viewer
 * sessions (levelling off near +75 % after 1,000) although nothing leaked; with it, 3–4 %, at the same
 * CPU (werift server, 720p30 at 6.6 Mbit/s: 44–49 % of a core either way). The heap is not capped:
 * a cap (--max-old-space-size) held memory as well, but could end the server under load.
 */
export const V8_FLAGS = ["--v8-flags=--optimize-for-size"];

/** `deno run`, V8's settings and the permissions: how tests start the programs, as the tasks do. */
export const RUN_FLAGS = ["run", ...V8_FLAGS, ...PERMISSION_FLAGS];
