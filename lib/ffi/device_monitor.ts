/**
 * GStreamer's device monitor (GstDeviceMonitor) through FFI: every video source the system's device
 * providers see (V4L2 and PipeWire on Linux, AVFoundation on macOS, Media Foundation / DirectShow on
 * Windows), with its caps and properties, through the same code on every OS.
 */
import { cString, gstreamer, takeString } from "./gst.ts";
import { type PlainObject, structureToObject, takeObjectList } from "./gobject.ts";

/** One device as the monitor reports it. */
export interface DeviceInfo {
  name: string;
  /** "Video/Source" for cameras. */
  deviceClass: string;
  /** Everything it can deliver, as a caps string (see parseCameraCaps). */
  caps: string;
  /** The provider's properties (device.path / api.v4l2.path, object.serial, device.bus, ...). */
  properties: PlainObject;
}

/** Every video source the device monitor sees now; an empty list when there is none. */
export async function listVideoDevices(): Promise<DeviceInfo[]> {
  const { gst } = gstreamer();
  const monitor = gst.gst_device_monitor_new();
  if (monitor === null) return [];
  try {
    gst.gst_device_monitor_add_filter(monitor, cString("Video/Source"), null);
    if (!await gst.gst_device_monitor_start(monitor)) return [];
    const devices: DeviceInfo[] = [];
    takeObjectList(
      await gst.gst_device_monitor_get_devices(monitor),
      (device) => devices.push(describe(device)),
    );
    await gst.gst_device_monitor_stop(monitor);
    return devices;
  } finally {
    gst.gst_object_unref(monitor);
  }
}

function describe(device: Deno.PointerObject): DeviceInfo {
  const { gst } = gstreamer();
  const caps = gst.gst_device_get_caps(device);
  const capsText = caps === null ? "" : takeString(gst.gst_caps_to_string(caps)) ?? "";
  if (caps !== null) gst.gst_mini_object_unref(caps);
  const structure = gst.gst_device_get_properties(device);
  const properties = structure === null ? {} : structureToObject(structure);
  if (structure !== null) gst.gst_structure_free(structure);
  return {
    name: takeString(gst.gst_device_get_display_name(device)) ?? "unnamed",
    deviceClass: takeString(gst.gst_device_get_device_class(device)) ?? "",
    caps: capsText,
    properties,
  };
}
