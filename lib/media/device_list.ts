/**
 * `rov-server --list-devices`: what each camera the device monitor sees is called, where it is, and
 * what it delivers (H.264, MJPEG, raw: sizes and rates), for people and (`--json`) for scripts. Pure:
 * the devices come from lib/ffi/device_monitor.ts.
 */
import type { DeviceInfo } from "../ffi/device_monitor.ts";
import {
  type CameraFormat,
  type CameraFormatKind,
  chooseCameraFormat,
  type FormatChoice,
  parseCameraCaps,
} from "./camera_formats.ts";

export const NO_CAMERA = "No camera found: GStreamer's device monitor sees no video source";

/** Where the device is: the path or id its provider gives (V4L2, PipeWire, AVFoundation, Windows). */
export function devicePath(properties: Record<string, unknown>): string | undefined {
  for (const key of ["api.v4l2.path", "device.path", "object.path", "device.id", "device.strid"]) {
    const value = properties[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

export interface ListedDevice {
  name: string;
  path?: string;
  formats: CameraFormat[];
}

export function listedDevices(devices: DeviceInfo[]): ListedDevice[] {
  return devices.map((d) => ({
    name: d.name,
    path: devicePath(d.properties),
    formats: parseCameraCaps(d.caps),
  }));
}

const LABEL: Record<CameraFormatKind, string> = { h264: "H.264", mjpeg: "MJPEG", raw: "raw" };

function rates(fps: number[]): string {
  return fps.map((f) => (Number.isInteger(f) ? String(f) : f.toFixed(2))).join("/");
}

/** The list for people: a line per camera, then one per kind of format with its sizes and rates. */
export function deviceLines(devices: DeviceInfo[]): string[] {
  const listed = listedDevices(devices);
  if (listed.length === 0) return [NO_CAMERA];
  const lines: string[] = [];
  for (const device of listed) {
    lines.push(`${device.name}${device.path ? ` (${device.path})` : ""}`);
    for (const kind of ["h264", "mjpeg", "raw"] as const) {
      const formats = device.formats.filter((f) => f.kind === kind)
        .sort((a, b) => b.width * b.height - a.width * a.height);
      if (formats.length === 0) continue;
      const pixel = kind === "raw" ? ` ${[...new Set(formats.map((f) => f.pixelFormat))].join("/")}` : "";
      lines.push(
        `  ${LABEL[kind]}${pixel}: ${
          formats.map((f) => `${f.width}x${f.height}@${rates(f.fps)}`).join(", ")
        }`,
      );
    }
    if (device.formats.length === 0) lines.push("  (no video formats reported)");
  }
  return lines;
}

/**
 * The mode to open camera `/dev/video<device>` in (Linux: V4L2 paths), from what the device monitor
 * reports of it: see chooseCameraFormat. `h264: false` (an encoder was named) leaves its H.264 modes
 * out. Undefined when the monitor does not know the camera (it is then opened through decodebin).
 */
export function cameraChoice(
  devices: DeviceInfo[],
  want: { device: number; width: number; height: number; fps: number; h264: boolean },
): FormatChoice | undefined {
  const camera = devices.find((d) => devicePath(d.properties) === `/dev/video${want.device}`);
  if (!camera) return undefined;
  const formats = parseCameraCaps(camera.caps).filter((f) => want.h264 || f.kind !== "h264");
  return chooseCameraFormat(formats, want);
}
