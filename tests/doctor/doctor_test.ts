import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { clientReport, receiveBufferLine, serverElements, serverReport } from "../../lib/doctor/doctor.ts";
import type { Registry } from "../../lib/media/codec_choice.ts";
import { SERVER, start } from "../support/processes.ts";

function registry(missing: string[], broken: Record<string, string> = {}): Registry {
  return { has: (e) => !missing.includes(e), trial: (e) => Promise.resolve(broken[e]) };
}

const server = {
  source: "test" as const,
  transport: "webrtc" as const,
  filePassthrough: false,
  encoder: "auto" as const,
};

Deno.test("serverReport lists present elements and the encoder auto picks", async () => {
  const report = await serverReport(
    server,
    registry(["nvh264enc", "nvv4l2h264enc", "vah264enc", "vaapih264enc", "v4l2h264enc"]),
  );
  assert(report.ok);
  assertMatch(
    report.lines.join("\n"),
    /appsrc\s+present\s+Debian\/Ubuntu: gstreamer1.0-plugins-base; macOS: .*; Windows: /,
  );
  assertMatch(report.lines.join("\n"), /encoder: x264 \(x264enc\)/);
  assertEquals(report.lines.at(-1), "This mode can run.");
});

Deno.test("serverReport names what is missing, with its package, and fails", async () => {
  const report = await serverReport(
    { ...server, transport: "rtp" },
    registry([
      "udpsink",
      "x264enc",
      "openh264enc",
      "nvh264enc",
      "nvv4l2h264enc",
      "vah264enc",
      "vaapih264enc",
      "v4l2h264enc",
    ]),
  );
  assert(!report.ok);
  const text = report.lines.join("\n");
  assertMatch(text, /udpsink\s+MISSING\s+Debian\/Ubuntu: gstreamer1.0-plugins-good/);
  assertMatch(text, /encoder: none — No H.264 encoder can run/);
  assertMatch(report.lines.at(-1)!, /^This mode cannot run: install udpsink \(gstreamer1.0-plugins-good\)/);
});

Deno.test("serverReport says why a requested hardware encoder cannot run", async () => {
  const report = await serverReport(
    { ...server, encoder: "nvenc" },
    registry([], { nvh264enc: "no CUDA device", nvv4l2h264enc: "no NVMM" }),
  );
  assert(!report.ok);
  assertMatch(
    report.lines.join("\n"),
    /encoder: none — Cannot use --encoder nvenc: nvenc: nvh264enc is installed but cannot run \(no CUDA device\)/,
  );
});

Deno.test("serverElements differ by source, transport and passthrough", () => {
  assert(serverElements({ source: "file", transport: "rtp", filePassthrough: true }).includes("parsebin"));
  assert(
    !serverElements({ source: "file", transport: "rtp", filePassthrough: true }).includes("videoconvert"),
  );
  assert(
    serverElements({ source: "webcam", transport: "webrtc", filePassthrough: false }).includes("v4l2src"),
  );
});

Deno.test("clientReport checks the decoder and the window sink", async () => {
  const ok = await clientReport(
    { transport: undefined, decoder: "auto", headless: false },
    registry(["nvh264dec", "vah264dec", "vaapih264dec", "v4l2h264dec", "nvv4l2decoder"]),
  );
  assert(ok.ok);
  assertMatch(ok.lines.join("\n"), /decoder: avdec \(avdec_h264\)/);
  assertMatch(ok.lines.join("\n"), /window: ximagesink/);
  const bad = await clientReport(
    { transport: "rtp", decoder: "auto", headless: false },
    registry(["ximagesink", "xvimagesink", "glimagesink", "autovideosink", "udpsrc"]),
  );
  assert(!bad.ok);
  assertMatch(bad.lines.join("\n"), /window: none — install gstreamer1.0-x/);
  assertMatch(bad.lines.at(-1)!, /install udpsrc \(gstreamer1.0-plugins-good\)/);
});

Deno.test("receiveBufferLine names the sysctl only when net.core.rmem_max is below 4 MiB", () => {
  assertMatch(receiveBufferLine(212992), /capped at 212992 bytes .*sysctl -w net.core.rmem_max=4194304/);
  assertMatch(receiveBufferLine(4194304), /up to 4194304 bytes \(enough\)/);
  assertMatch(receiveBufferLine(undefined), /system default/);
});

Deno.test("rov-server doctor runs here: exit 0 for the defaults, 1 for NVENC", async () => {
  const good = start(SERVER, ["doctor", "--source", "test"]);
  assertEquals((await good.child.status).code, 0);
  await good.stdout.done;
  assertMatch(good.stdout.text, /^GStreamer 1\.\d+\.\d+, loaded from /);
  assertMatch(good.stdout.text, /encoder: x264 \(x264enc\)/);
  const nvenc = start(SERVER, ["doctor", "--source", "test", "--encoder", "nvenc"]);
  assertEquals((await nvenc.child.status).code, 1);
  await nvenc.stdout.done;
  assertMatch(nvenc.stdout.text, /encoder: none — Cannot use --encoder nvenc/);
});

Deno.test("serverReport says whether RTSP will be served, and never fails the mode for it", async () => {
  const off = await serverReport({ ...server, rtspPort: 8554, rtspServer: false }, registry([]));
  assertMatch(off.lines.join("\n"), /RTSP: off — gst-rtsp-server is missing: install gstreamer1\.0-rtsp/);
  assert(off.ok, "RTSP is optional");
  const on = await serverReport({ ...server, rtspPort: 8554, rtspServer: true }, registry([]));
  assertMatch(on.lines.join("\n"), /RTSP: rtsp:\/\/HOST:8554\/video/);
  const none = await serverReport({ ...server, rtspPort: 0, rtspServer: true }, registry([]));
  assertMatch(none.lines.join("\n"), /RTSP: off \(--rtsp-port 0\)/);
});
