/** Which package provides each GStreamer element rov-stream uses, per OS, for error messages and doctor. */
import type { HostOs } from "../ffi/library_path.ts";

/** Debian/Ubuntu package of each element. */
const DEBIAN: Record<string, string> = {
  videotestsrc: "gstreamer1.0-plugins-base",
  videoconvert: "gstreamer1.0-plugins-base",
  videoscale: "gstreamer1.0-plugins-base",
  videorate: "gstreamer1.0-plugins-base",
  decodebin: "gstreamer1.0-plugins-base",
  appsrc: "gstreamer1.0-plugins-base",
  appsink: "gstreamer1.0-plugins-base",
  clockoverlay: "gstreamer1.0-plugins-base",
  timeoverlay: "gstreamer1.0-plugins-base",
  ximagesink: "gstreamer1.0-x",
  textoverlay: "gstreamer1.0-x",
  xvimagesink: "gstreamer1.0-x",
  glimagesink: "gstreamer1.0-gl",
  openh264enc: "gstreamer1.0-plugins-bad",
  openh264dec: "gstreamer1.0-plugins-bad",
  h264parse: "gstreamer1.0-plugins-bad",
  v4l2src: "gstreamer1.0-plugins-good",
  rtph264pay: "gstreamer1.0-plugins-good",
  rtph264depay: "gstreamer1.0-plugins-good",
  rtpjitterbuffer: "gstreamer1.0-plugins-good",
  autovideosink: "gstreamer1.0-plugins-good",
  x264enc: "gstreamer1.0-plugins-ugly",
  avdec_h264: "gstreamer1.0-libav",
  clocksync: "libgstreamer1.0-0",
  queue: "libgstreamer1.0-0",
  tee: "libgstreamer1.0-0",
  filesrc: "libgstreamer1.0-0",
  fakesink: "libgstreamer1.0-0",
  compositor: "gstreamer1.0-plugins-base",
  parsebin: "gstreamer1.0-plugins-base",
  udpsrc: "gstreamer1.0-plugins-good",
  udpsink: "gstreamer1.0-plugins-good",
  nvh264enc: "gstreamer1.0-plugins-bad + NVIDIA driver",
  nvh264dec: "gstreamer1.0-plugins-bad + NVIDIA driver",
  nvv4l2h264enc: "nvidia-l4t-gstreamer (Jetson)",
  nvv4l2decoder: "nvidia-l4t-gstreamer (Jetson)",
  vah264enc: "gstreamer1.0-plugins-bad + a VA-API driver",
  vah264dec: "gstreamer1.0-plugins-bad + a VA-API driver",
  vaapih264enc: "gstreamer1.0-vaapi",
  vaapih264dec: "gstreamer1.0-vaapi",
  v4l2h264enc: "gstreamer1.0-plugins-good + a V4L2 codec device",
  v4l2h264dec: "gstreamer1.0-plugins-good + a V4L2 codec device",
};

/** The packages for `element` on every OS, for doctor's table. */
export function packagesFor(element: string): { linux: string; darwin: string; windows: string } {
  return {
    linux: packageFor(element, "linux"),
    darwin: packageFor(element, "darwin"),
    windows: packageFor(element, "windows"),
  };
}

/** The package to install for `element` on `os`, in words. */
export function packageFor(element: string, os: HostOs): string {
  if (os === "linux") return DEBIAN[element] ?? "the GStreamer plugin packages (gstreamer1.0-plugins-*)";
  if (os === "darwin") return "GStreamer framework .pkg (or brew install gstreamer)";
  return "GStreamer MSVC x86_64 runtime (complete)";
}

export type Program = "rov-server" | "rov-client";
export type Transport = "webrtc" | "rtp";

/** The camera plugin per OS (gst-inspect-1.0 names). */
const CAMERA: Record<HostOs, string> = {
  linux: "video4linux2",
  darwin: "applemedia",
  windows: "mediafoundation",
};
/** The window's video sink plugin per OS. */
const WINDOW: Record<HostOs, string> = { linux: "ximagesink", darwin: "osxvideo", windows: "d3d11" };

/**
 * The GStreamer plugins (as gst-inspect-1.0 and the installers name them) a program needs in a mode,
 * with the software codec; a hardware codec plugin (nvcodec, va, v4l2codecs) replaces it when present.
 */
export function requiredPlugins(program: Program, mode: { transport: Transport; os: HostOs }): string[] {
  const { transport, os } = mode;
  const rtp = transport === "rtp" ? ["rtpmanager", "udp"] : [];
  if (program === "rov-server") {
    return [
      "coreelements",
      "app",
      "videoconvertscale",
      "videorate",
      "playback",
      CAMERA[os],
      "x264",
      "videoparsersbad",
      "rtp",
      ...rtp,
    ];
  }
  return [
    "coreelements",
    "app",
    "rtpmanager",
    "rtp",
    "videoparsersbad",
    "libav",
    "videoconvertscale",
    WINDOW[os],
    // textoverlay: the window's banner on a frozen picture.
    "pango",
    ...(transport === "rtp" ? ["udp"] : []),
  ];
}

/** The sentence added to "Cannot load GStreamer" on first run: what this mode needs installed. */
export function pluginsSentence(program: Program, mode: { transport: Transport; os: HostOs }): string {
  return `${program} --transport ${mode.transport} needs the GStreamer plugins ${
    requiredPlugins(program, mode).join(", ")
  }`;
}
