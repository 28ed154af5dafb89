/**
 * Choosing an encoder or decoder from what is installed: `auto` takes the first that is registered
 * and (for hardware) actually opens; a named one that cannot run gives one line saying why and what
 * to install. Pure: the registry and the trial are arguments.
 */
import { ENCODER_ELEMENTS, ENCODER_NAMES, type EncoderName, HARDWARE_ENCODERS } from "./encoder.ts";
import { DECODER_ELEMENTS, DECODER_NAMES, type DecoderName, HARDWARE_DECODERS } from "./receiver.ts";

/** What is installed: whether an element is registered, and whether it opens (a short trial). */
export interface Registry {
  has(element: string): boolean;
  /** undefined when the element works, else GStreamer's reason. */
  trial(element: string): Promise<string | undefined>;
}

/** A codec that was asked for and cannot run. */
export class CodecError extends Error {
  override name = "CodecError";
}

const WHY: Record<string, string> = {
  nvenc:
    "needs the NVIDIA driver and gstreamer1.0-plugins-bad (nvcodec), or on Jetson the L4T multimedia packages",
  nvdec:
    "needs the NVIDIA driver and gstreamer1.0-plugins-bad (nvcodec), or on Jetson the L4T multimedia packages",
  vaapi: "needs a VA-API driver (intel-media-va-driver or mesa-va-drivers) and gstreamer1.0-plugins-bad (va)",
  v4l2: "needs a V4L2 memory-to-memory codec device (e.g. a Raspberry Pi) and gstreamer1.0-plugins-good",
  x264: "install gstreamer1.0-plugins-ugly",
  openh264: "install gstreamer1.0-plugins-bad (openh264)",
  avdec: "install gstreamer1.0-libav",
};

export interface Choice<N extends string> {
  name: N;
  element: string;
}

async function choose<N extends string>(
  kind: "encoder" | "decoder",
  requested: N | "auto",
  order: readonly N[],
  elements: Record<N, readonly string[]>,
  hardware: readonly N[],
  registry: Registry,
): Promise<Choice<N>> {
  const reasons: string[] = [];
  const candidates = requested === "auto" ? order : [requested];
  for (const name of candidates) {
    const registered = elements[name].filter((e) => registry.has(e));
    if (registered.length === 0) {
      reasons.push(`${name}: no ${elements[name].join(" or ")} element (${WHY[name]})`);
      continue;
    }
    for (const element of registered) {
      const failure = hardware.includes(name) ? await registry.trial(element) : undefined;
      if (failure === undefined) return { name, element };
      reasons.push(`${name}: ${element} is installed but cannot run (${failure}); it ${WHY[name]}`);
    }
  }
  if (requested === "auto") throw new CodecError(`No H.264 ${kind} can run: ${reasons.join("; ")}`);
  throw new CodecError(`Cannot use --${kind} ${requested}: ${reasons.join("; ")}`);
}

/** The encoder to use: the requested one, or with `auto` NVENC, VA-API, V4L2, x264, openh264 in turn. */
export function chooseEncoder(
  requested: EncoderName | "auto",
  registry: Registry,
): Promise<Choice<EncoderName>> {
  return choose("encoder", requested, ENCODER_NAMES, ENCODER_ELEMENTS, HARDWARE_ENCODERS, registry);
}

/** The decoder to use: the requested one, or with `auto` NVDEC, VA-API, V4L2, avdec, openh264 in turn. */
export function chooseDecoder(
  requested: DecoderName | "auto",
  registry: Registry,
): Promise<Choice<DecoderName>> {
  return choose("decoder", requested, DECODER_NAMES, DECODER_ELEMENTS, HARDWARE_DECODERS, registry);
}
