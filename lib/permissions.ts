/**
 * The Deno permissions rov-server and rov-client run with (as in deno.json's tasks): FFI for
 * GStreamer, env for its library search and werift's debug module (which reads the whole
 * environment), read for files and libraries, write for --sdp-file, net for signalling, discovery
 * and media, sys for the interface list and host name. `--unstable-net` enables Deno.listenDatagram.
 */
export const RUN_FLAGS = [
  "run",
  "--unstable-net",
  "--allow-ffi",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-sys",
];
