/**
 * The Deno permissions rov-server and rov-client run with, in `deno task server|client`, in the tests
 * and baked into the compiled executables: FFI for GStreamer, env for its library search and werift's
 * debug module (which reads the whole environment), read for files and libraries, write for
 * --sdp-file and --stats-json, net for signalling, discovery and media, sys for the interface list and
 * host name only. `--unstable-net` enables Deno.listenDatagram.
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

/** `deno run` and the permissions: how tests start the programs, as the tasks do. */
export const RUN_FLAGS = ["run", ...PERMISSION_FLAGS];
