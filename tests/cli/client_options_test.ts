import { assertEquals, assertThrows } from "../support/assert.ts";
import { parseClientOptions } from "../../lib/cli/client_options.ts";

Deno.test("parseClientOptions accepts --auto and --host auto alike", () => {
  for (const args of [["--auto"], ["--host", "auto"]]) {
    const o = parseClientOptions(args);
    assertEquals([o.auto, o.host, o.discoveryPort, o.discoveryTimeoutS, o.latencyMs, o.lowLatency], [
      true,
      undefined,
      5003,
      5,
      undefined,
      true,
    ]);
  }
});

Deno.test("parseClientOptions reads a manual host and every option", () => {
  const o = parseClientOptions([
    "--host",
    "192.168.2.2",
    "--signal-port",
    "9000",
    "--headless",
    "--frames",
    "150",
    "--duration",
    "2.5",
    "--webrtc-latency",
    "50",
    "--sink",
    "xvimagesink",
    "--stun",
    "--verbose",
  ]);
  assertEquals([o.auto, o.host, o.signalPort, o.headless, o.frames, o.durationS], [
    false,
    "192.168.2.2",
    9000,
    true,
    150,
    2.5,
  ]);
  assertEquals([o.latencyMs, o.sink, o.stun, o.verbose], [50, "xvimagesink", true, true]);
});

Deno.test("parseClientOptions gives a 200 ms jitter buffer without low latency", () => {
  assertEquals(parseClientOptions(["--auto", "--no-low-latency"]).latencyMs, undefined);
  assertEquals(parseClientOptions(["--auto", "--no-reconnect"]).reconnect, false);
  assertEquals(parseClientOptions(["--auto"]).reconnect, true);
});

Deno.test("parseClientOptions reads discovery options", () => {
  const o = parseClientOptions([
    "--auto",
    "--name",
    "bluerov",
    "--discovery-port",
    "6000",
    "--discovery-timeout",
    "0.5",
    "--discovery-address",
    "127.255.255.255, 10.0.0.255",
  ]);
  assertEquals([o.name, o.discoveryPort, o.discoveryTimeoutS, o.discoveryAddresses], ["bluerov", 6000, 0.5, [
    "127.255.255.255",
    "10.0.0.255",
  ]]);
});

Deno.test("parseClientOptions rejects bad values with one clear line", () => {
  const cases: [string[], RegExp][] = [
    [[], /Say where the server is: --auto/],
    [["--auto", "--host", "1.2.3.4"], /contradict/],
    [["--host", "1.2.3.4", "--name", "x"], /--name selects a server found with --auto/],
    [["--auto", "--frames", "0"], /Invalid --frames/],
    [["--auto", "--discovery-timeout=-1"], /Invalid --discovery-timeout/],
    [["--auto", "--discovery-address", "everyone"], /Invalid --discovery-address/],
    [["--auto", "--sink", "x ! y"], /Invalid --sink/],
    [["--auto", "--nope"], /Unknown option '--nope'/],
    [
      ["--auto", "--decoder", "cuda"],
      /Invalid --decoder "cuda": expected one of auto, nvdec, vaapi, v4l2, avdec, openh264/,
    ],
    [["--auto", "--rtp-port", "5600"], /--rtp-port is only used with --transport rtp/],
    [["play"], /Unexpected argument "play"/],
  ];
  for (const [args, pattern] of cases) assertThrows(() => parseClientOptions(args), pattern);
});

Deno.test("parseClientOptions allows --help alone", () => {
  assertEquals(parseClientOptions(["--help"]).help, true);
});

Deno.test("parseClientOptions reads the RTP transport without a host, the decoder and doctor", () => {
  const o = parseClientOptions([
    "--transport",
    "rtp",
    "--rtp-host",
    "0.0.0.0",
    "--rtp-port",
    "5600",
    "--rtp-interface",
    "veth1",
    "--decoder",
    "nvdec",
  ]);
  assertEquals([o.auto, o.transport, o.rtpHost, o.rtpPort, o.rtpInterface, o.decoder], [
    false,
    "rtp",
    "0.0.0.0",
    5600,
    "veth1",
    "nvdec",
  ]);
  assertEquals([
    parseClientOptions(["--transport", "rtp"]).rtpHost,
    parseClientOptions(["--transport", "rtp"]).rtpPort,
  ], ["239.255.0.1", 5004]);
  assertEquals(parseClientOptions(["doctor"]).doctor, true);
});

Deno.test("parseClientOptions takes --host as HOST:PORT, [IPv6]:PORT or the server's printed URL", () => {
  const read = (...args: string[]) => {
    const o = parseClientOptions(args);
    return [o.host, o.signalPort];
  };
  assertEquals(read("--host", "192.168.2.2"), ["192.168.2.2", 8080]);
  assertEquals(read("--host", "192.168.2.2:6020"), ["192.168.2.2", 6020]);
  assertEquals(read("--host", "rov.local:6020"), ["rov.local", 6020]);
  assertEquals(read("--host", "[fe80::1]:6020"), ["fe80::1", 6020]);
  assertEquals(read("--host", "fe80::1"), ["fe80::1", 8080]);
  assertEquals(read("--host", "http://127.0.0.1:37367/"), ["127.0.0.1", 37367]);
  assertEquals(read("--host", "127.0.0.1:6020", "--signal-port", "6020"), ["127.0.0.1", 6020]);
  assertThrows(
    () => parseClientOptions(["--host", "127.0.0.1:6020", "--signal-port", "8080"]),
    /give one/,
  );
  assertThrows(() => parseClientOptions(["--host", "127.0.0.1:99999"]), /--host/);
});
