import { assert } from "../support/assert.ts";
import { listVideoDevices } from "../../lib/ffi/device_monitor.ts";

Deno.test("listVideoDevices asks GStreamer's device monitor and returns a list (empty without a camera)", async () => {
  const devices = await listVideoDevices();
  assert(Array.isArray(devices));
  for (const device of devices) assert(device.deviceClass.includes("Video"), device.deviceClass);
});
