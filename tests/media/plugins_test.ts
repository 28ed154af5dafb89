import { assert, assertEquals } from "../support/assert.ts";
import { packageFor, pluginsSentence, requiredPlugins } from "../../lib/media/plugins.ts";

Deno.test("requiredPlugins names what each program needs per transport and OS", () => {
  const server = requiredPlugins("rov-server", { transport: "webrtc", os: "linux" });
  for (const plugin of ["coreelements", "app", "x264", "videoparsersbad", "rtp", "video4linux2"]) {
    assert(server.includes(plugin), plugin);
  }
  assert(!server.includes("udp"), "WebRTC sends through werift, not udpsink");
  const serverRtp = requiredPlugins("rov-server", { transport: "rtp", os: "windows" });
  assert(
    serverRtp.includes("udp") && serverRtp.includes("rtpmanager") && serverRtp.includes("mediafoundation"),
  );
  assertEquals(
    requiredPlugins("rov-client", { transport: "webrtc", os: "darwin" }).includes("osxvideo"),
    true,
  );
  assertEquals(
    requiredPlugins("rov-client", { transport: "rtp", os: "windows" }).filter((p) =>
      p === "udp" || p === "d3d11"
    ),
    [
      "d3d11",
      "udp",
    ],
  );
  assertEquals(
    pluginsSentence("rov-client", { transport: "webrtc", os: "linux" }),
    "rov-client --transport webrtc needs the GStreamer plugins coreelements, app, rtpmanager, rtp, " +
      "videoparsersbad, libav, videoconvertscale, ximagesink, pango",
  );
});

Deno.test("packageFor names the Debian package on Linux and the runtime installer elsewhere", () => {
  assertEquals(packageFor("x264enc", "linux"), "gstreamer1.0-plugins-ugly");
  assert(packageFor("x264enc", "windows").includes("MSVC x86_64 runtime"));
  assert(packageFor("x264enc", "darwin").includes(".pkg"));
});
