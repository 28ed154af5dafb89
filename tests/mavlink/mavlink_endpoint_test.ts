import { assertEquals, assertThrows } from "../support/assert.ts";
import { mavlinkLabel, parseMavlinkEndpoint } from "../../lib/mavlink/mavlink_endpoint.ts";

Deno.test("parseMavlinkEndpoint reads the udpout, udpin and serial forms", () => {
  assertEquals(parseMavlinkEndpoint("udpout:192.168.2.1:14550"), {
    kind: "udpout",
    host: "192.168.2.1",
    port: 14550,
  });
  assertEquals(parseMavlinkEndpoint("udpin:0.0.0.0:14551"), { kind: "udpin", host: "0.0.0.0", port: 14551 });
  assertEquals(parseMavlinkEndpoint("udpout:[::1]:14550"), { kind: "udpout", host: "::1", port: 14550 });
  assertEquals(parseMavlinkEndpoint("serial:/dev/ttyACM0:115200"), {
    kind: "serial",
    path: "/dev/ttyACM0",
    baud: 115200,
  });
  assertEquals(mavlinkLabel(parseMavlinkEndpoint("udpout:[::1]:14550")), "udpout:[::1]:14550");
});

Deno.test("parseMavlinkEndpoint says what is wrong with a bad link in one line", () => {
  assertThrows(
    () => parseMavlinkEndpoint("tcp:1.2.3.4:5760"),
    /use udpout:HOST:PORT, udpin:ADDR:PORT or serial/,
  );
  assertThrows(() => parseMavlinkEndpoint("udpout:1.2.3.4"), /udpout needs an address and a port/);
  assertThrows(() => parseMavlinkEndpoint("udpin:1.2.3.4:70000"), /udpin needs an address and a port/);
  assertThrows(
    () => parseMavlinkEndpoint("serial:/dev/ttyACM0:1234"),
    /serial needs a device and a baud rate/,
  );
});
