import { assertEquals } from "../support/assert.ts";
import {
  cameraChoice,
  deviceLines,
  devicePath,
  listedDevices,
  NO_CAMERA,
} from "../../lib/media/device_list.ts";
import type { DeviceInfo } from "../../lib/ffi/device_monitor.ts";

/**
 * Two cameras as GStreamer 1.22's device monitor describes them on Linux (v4l2deviceprovider: caps,
 * and properties with the V4L2 path), transcribed from `gst-device-monitor-1.0 Video/Source` output.
 */
const DEVICES: DeviceInfo[] = [
  {
    name: "HD Pro Webcam C920",
    deviceClass: "Video/Source",
    caps: "video/x-h264, stream-format=(string)byte-stream, alignment=(string)au, width=(int)1920, " +
      "height=(int)1080, pixel-aspect-ratio=(fraction)1/1, framerate=(fraction){ 30/1, 15/1 }; " +
      "image/jpeg, width=(int)1280, height=(int)720, pixel-aspect-ratio=(fraction)1/1, framerate=(fraction)30/1; " +
      "video/x-raw, format=(string)YUY2, width=(int)640, height=(int)480, pixel-aspect-ratio=(fraction)1/1, " +
      "framerate=(fraction){ 30/1, 15/2 }",
    properties: {
      "udev-probed": true,
      "device.bus_path": "pci-0000:00:14.0-usb-0:1:1.0",
      "api.v4l2.path": "/dev/video0",
      "api.v4l2.cap.driver": "uvcvideo",
    },
  },
  {
    name: "USB 2.0 Camera: USB Camera",
    deviceClass: "Video/Source",
    caps: "image/jpeg, width=(int)1920, height=(int)1080, framerate=(fraction)30/1",
    properties: { "device.path": "/dev/video2" },
  },
];

Deno.test("deviceLines lists each camera with its path and its H.264, MJPEG and raw sizes and rates", () => {
  assertEquals(deviceLines(DEVICES), [
    "HD Pro Webcam C920 (/dev/video0)",
    "  H.264: 1920x1080@30/15",
    "  MJPEG: 1280x720@30",
    "  raw YUY2: 640x480@30/7.50",
    "USB 2.0 Camera: USB Camera (/dev/video2)",
    "  MJPEG: 1920x1080@30",
  ]);
});

Deno.test("deviceLines says in one line that there is no camera", () => {
  assertEquals(deviceLines([]), [NO_CAMERA]);
});

Deno.test("listedDevices gives scripts the name, path and formats; devicePath knows each OS's key", () => {
  const [c920] = listedDevices(DEVICES);
  assertEquals([c920.name, c920.path, c920.formats.length], ["HD Pro Webcam C920", "/dev/video0", 3]);
  assertEquals(devicePath({ "device.strid": "\\\\?\\usb#vid_046d" }), "\\\\?\\usb#vid_046d");
  assertEquals(devicePath({}), undefined);
});

Deno.test("cameraChoice opens /dev/videoN in its cheapest mode, leaving H.264 out when an encoder is named", () => {
  const h264 = cameraChoice(DEVICES, { device: 0, width: 1920, height: 1080, fps: 30, h264: true })!;
  assertEquals([h264.format.kind, h264.fps], ["h264", 30]);
  const encoded = cameraChoice(DEVICES, { device: 0, width: 1280, height: 720, fps: 30, h264: false })!;
  assertEquals(encoded.format.kind, "mjpeg");
  assertEquals(cameraChoice(DEVICES, { device: 5, width: 640, height: 480, fps: 30, h264: true }), undefined);
});
