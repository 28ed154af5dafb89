import { assertEquals, assertRejects } from "../support/assert.ts";
import { chooseDecoder, chooseEncoder, type Registry } from "../../lib/media/codec_choice.ts";

/** A registry of `installed` elements; those in `broken` are registered but fail their trial. */
function registry(installed: string[], broken: Record<string, string> = {}): Registry & { trials: string[] } {
  const trials: string[] = [];
  return {
    trials,
    has: (element) => installed.includes(element),
    trial: (element) => {
      trials.push(element);
      return Promise.resolve(broken[element]);
    },
  };
}

const SOFTWARE = ["x264enc", "openh264enc", "avdec_h264", "openh264dec"];

Deno.test("chooseEncoder auto prefers NVENC, then VA-API, V4L2, x264, openh264", async () => {
  assertEquals(await chooseEncoder("auto", registry(["nvh264enc", "vah264enc", ...SOFTWARE])), {
    name: "nvenc",
    element: "nvh264enc",
  });
  assertEquals(await chooseEncoder("auto", registry(["nvv4l2h264enc", ...SOFTWARE])), {
    name: "nvenc",
    element: "nvv4l2h264enc",
  });
  assertEquals(await chooseEncoder("auto", registry(["vaapih264enc", "v4l2h264enc", ...SOFTWARE])), {
    name: "vaapi",
    element: "vaapih264enc",
  });
  assertEquals(await chooseEncoder("auto", registry(["v4l2h264enc", ...SOFTWARE])), {
    name: "v4l2",
    element: "v4l2h264enc",
  });
  assertEquals(await chooseEncoder("auto", registry(SOFTWARE)), { name: "x264", element: "x264enc" });
  assertEquals(await chooseEncoder("auto", registry(["openh264enc"])), {
    name: "openh264",
    element: "openh264enc",
  });
});

Deno.test("chooseEncoder auto skips a hardware encoder that is registered but cannot open", async () => {
  const r = registry(["nvh264enc", "vah264enc", ...SOFTWARE], {
    nvh264enc: "Failed to open encoder",
    vah264enc: "no VA display",
  });
  assertEquals(await chooseEncoder("auto", r), { name: "x264", element: "x264enc" });
  assertEquals(r.trials, ["nvh264enc", "vah264enc"], "software encoders need no trial");
});

Deno.test("chooseEncoder explains why a requested encoder cannot run", async () => {
  await assertRejects(
    () => chooseEncoder("nvenc", registry(SOFTWARE)),
    /^CodecError: Cannot use --encoder nvenc: nvenc: no nvh264enc or nvv4l2h264enc element \(needs the NVIDIA driver/,
  );
  await assertRejects(
    () => chooseEncoder("nvenc", registry(["nvh264enc"], { nvh264enc: "Failed to open encoder" })),
    /nvh264enc is installed but cannot run \(Failed to open encoder\); it needs the NVIDIA driver/,
  );
  await assertRejects(
    () => chooseEncoder("x264", registry(["openh264enc"])),
    /no x264enc element \(install gstreamer1.0-plugins-ugly\)/,
  );
  await assertRejects(
    () => chooseEncoder("auto", registry([])),
    /No H.264 encoder can run: nvenc: .*; openh264: no openh264enc element/,
  );
});

Deno.test("chooseDecoder auto prefers NVDEC, then VA-API, V4L2, avdec, openh264", async () => {
  assertEquals(await chooseDecoder("auto", registry(["nvh264dec", ...SOFTWARE])), {
    name: "nvdec",
    element: "nvh264dec",
  });
  assertEquals(await chooseDecoder("auto", registry(["vah264dec", ...SOFTWARE])), {
    name: "vaapi",
    element: "vah264dec",
  });
  assertEquals(await chooseDecoder("auto", registry(["v4l2h264dec", ...SOFTWARE])), {
    name: "v4l2",
    element: "v4l2h264dec",
  });
  assertEquals(await chooseDecoder("auto", registry(SOFTWARE)), { name: "avdec", element: "avdec_h264" });
  assertEquals(await chooseDecoder("auto", registry(["nvh264dec", ...SOFTWARE], { nvh264dec: "no CUDA" })), {
    name: "avdec",
    element: "avdec_h264",
  });
  await assertRejects(
    () => chooseDecoder("vaapi", registry(SOFTWARE)),
    /Cannot use --decoder vaapi: vaapi: no vah264dec or vaapih264dec element/,
  );
});

Deno.test("chooseEncoder on this machine falls back to x264 and chooseDecoder to avdec_h264", async () => {
  const { gstRegistry } = await import("../../lib/media/codec_probe.ts");
  const real = gstRegistry();
  assertEquals((await chooseEncoder("auto", real)).element, "x264enc");
  assertEquals((await chooseDecoder("auto", real)).element, "avdec_h264");
  await assertRejects(() => chooseEncoder("nvenc", real), /Cannot use --encoder nvenc/);
});
