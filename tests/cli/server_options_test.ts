import { assertEquals, assertThrows } from "../support/assert.ts";
import { parseServerOptions } from "../../lib/cli/server_options.ts";

Deno.test("parseServerOptions gives the documented defaults", () => {
  const o = parseServerOptions([], "rov1");
  assertEquals([o.source, o.device, o.width, o.height, o.fps], ["webcam", 0, 1920, 1080, 30]);
  assertEquals([o.bitrateKbps, o.bitrateAuto, o.lowLatency, o.maxQuality, o.loop], [
    14930,
    true,
    true,
    false,
    true,
  ]);
  assertEquals([o.host, o.signalPort, o.discoveryPort, o.name, o.stun, o.discovery], [
    "0.0.0.0",
    8080,
    5003,
    "rov1",
    false,
    true,
  ]);
});

Deno.test("parseServerOptions reads every option", () => {
  const o = parseServerOptions([
    "--source",
    "file",
    "--file",
    "a.mp4",
    "--no-loop",
    "--width",
    "1280",
    "--height",
    "720",
    "--fps",
    "60",
    "--bitrate",
    "8000",
    "--no-low-latency",
    "--max-quality",
    "--host",
    "192.168.2.2",
    "--signal-port",
    "9000",
    "--discovery-port",
    "6000",
    "--name",
    "bluerov",
    "--stun",
    "--verbose",
    "--device",
    "2",
    "--no-discovery",
  ], "x");
  assertEquals(o.source, "file");
  assertEquals(o.file, "a.mp4");
  assertEquals([o.loop, o.width, o.height, o.fps, o.bitrateKbps, o.bitrateAuto], [
    false,
    1280,
    720,
    60,
    8000,
    false,
  ]);
  assertEquals([o.lowLatency, o.maxQuality, o.host, o.signalPort, o.discoveryPort], [
    false,
    true,
    "192.168.2.2",
    9000,
    6000,
  ]);
  assertEquals([o.name, o.stun, o.verbose, o.device, o.discovery], ["bluerov", true, true, 2, false]);
});

Deno.test("parseServerOptions derives the bitrate from the size and max quality", () => {
  assertEquals(parseServerOptions(["--width", "1280", "--height", "720"], "x").bitrateKbps, 6636);
  assertEquals(parseServerOptions(["--max-quality"], "x").bitrateKbps, 29860);
  assertEquals(parseServerOptions(["--width", "0", "--height", "0"], "x").bitrateKbps, 14930);
});

Deno.test("parseServerOptions rejects bad values with one clear line", () => {
  const cases: [string[], RegExp][] = [
    [["--source", "usb"], /Invalid --source "usb": expected one of webcam, file, test/],
    [["--source", "file"], /--source file needs --file PATH/],
    [["--file", "a.mp4"], /--file is only used with --source file/],
    [["--fps", "0"], /Invalid --fps "0": expected a whole number from 1 to 240/],
    [["--fps", "abc"], /Invalid --fps/],
    [["--width", "1281", "--height", "720"], /even width and height/],
    [["--width", "0"], /both be 0/],
    [["--signal-port", "70000"], /Invalid --signal-port/],
    [["--bitrate=-5"], /Invalid --bitrate "-5"/],
    [["--bitrate", "-5"], /--bitrate needs a value/],
    [["--fps"], /Option '--fps <value>' argument missing/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["stray"], /Unexpected argument "stray": the only command is "doctor"/],
    [
      ["--encoder", "h265"],
      /Invalid --encoder "h265": expected one of auto, nvenc, vaapi, v4l2, x264, openh264/,
    ],
    [["--rtp-port", "5600"], /--rtp-port is only used with --transport rtp/],
    [["--transport", "srt"], /Invalid --transport/],
    [["--file-passthrough"], /--file-passthrough needs --source file --file PATH/],
    [["--source", "file", "--file", "a.mp4", "--file-passthrough", "--encoder", "x264"], /no --encoder/],
    [["--transport", "rtp", "--rtp-interface", "eth0; rm"], /Invalid --rtp-interface/],
    [["--host", "a b"], /Invalid --host/],
    [["--low-latency", "--no-low-latency"], /contradict/],
  ];
  for (const [args, pattern] of cases) assertThrows(() => parseServerOptions(args, "x"), pattern);
});

Deno.test("parseServerOptions reads codec, transport, passthrough and doctor options", () => {
  const o = parseServerOptions([
    "doctor",
    "--encoder",
    "nvenc",
    "--transport",
    "rtp",
    "--rtp-host",
    "127.0.0.1",
    "--rtp-port",
    "5600",
    "--rtp-interface",
    "eth1",
    "--sdp-file",
    "/tmp/s.sdp",
  ], "x");
  assertEquals([o.doctor, o.encoder, o.transport, o.rtpHost, o.rtpPort, o.rtpInterface, o.sdpFile], [
    true,
    "nvenc",
    "rtp",
    "127.0.0.1",
    5600,
    "eth1",
    "/tmp/s.sdp",
  ]);
  const d = parseServerOptions(["--source", "file", "--file", "a.mp4", "--file-passthrough"], "x");
  assertEquals([d.filePassthrough, d.encoder, d.transport, d.rtpHost, d.rtpPort, d.doctor], [
    true,
    "auto",
    "webrtc",
    "239.255.0.1",
    5004,
    false,
  ]);
});

Deno.test("parseServerOptions takes --source pipeline with its description, and only with it", () => {
  const o = parseServerOptions(["--source", "pipeline", "--pipeline", "videotestsrc is-live=true"], "rov1");
  assertEquals([o.source, o.pipeline], ["pipeline", "videotestsrc is-live=true"]);
  assertThrows(() => parseServerOptions(["--source", "pipeline"], "rov1"), /needs --pipeline/);
  assertThrows(
    () => parseServerOptions(["--source", "pipeline", "--pipeline", " "], "rov1"),
    /needs --pipeline/,
  );
  assertThrows(
    () => parseServerOptions(["--pipeline", "videotestsrc"], "rov1"),
    /--pipeline is only used with --source pipeline/,
  );
});

Deno.test("parseServerOptions passes an RTSP camera's H.264 through unless an encoder is named", () => {
  const camera = parseServerOptions(["--source", "rtsp", "--url", "rtsp://10.0.0.5/stream1"], "x");
  assertEquals([camera.source, camera.url, camera.passthrough], ["rtsp", "rtsp://10.0.0.5/stream1", true]);
  const encoded = parseServerOptions(
    ["--source", "rtsp", "--url", "rtsp://10.0.0.5/s", "--encoder", "x264"],
    "x",
  );
  assertEquals(encoded.passthrough, false);
  assertThrows(
    () => parseServerOptions(["--url", "rtsp://10.0.0.5/s"], "x"),
    /--url is only used with --source rtsp/,
  );
});

Deno.test("parseServerOptions reads --stream cameras with their own source options and the rest shared", () => {
  const o = parseServerOptions([
    "--source",
    "file",
    "--file",
    "dive.mp4",
    "--width",
    "1280",
    "--height",
    "720",
    "--host",
    "192.168.2.2",
    "--webrtc-engine",
    "gstreamer",
    "--stream-name",
    "forward",
    "--stream",
    "down:source=webcam,device=2,width=640,height=480,fps=15",
    "--stream",
    "gripper:source=pipeline,pipeline=videotestsrc ! video/x-raw,width=320,height=240",
  ], "rov");
  assertEquals([o.streamName, o.source, o.width], ["forward", "file", 1280]);
  const [down, gripper] = o.streams;
  assertEquals(
    [
      down.streamName,
      down.source,
      down.device,
      down.width,
      down.height,
      down.fps,
      down.host,
      down.webrtcEngine,
    ],
    ["down", "webcam", 2, 640, 480, 15, "192.168.2.2", "gstreamer"],
  );
  assertEquals(down.file, undefined, "the first camera's file is its own");
  assertEquals([gripper.streamName, gripper.pipeline], [
    "gripper",
    "videotestsrc ! video/x-raw,width=320,height=240",
  ]);
  assertEquals(parseServerOptions([], "rov").streamName, "video");
});

Deno.test("parseServerOptions refuses malformed --stream cameras with one line", () => {
  const cases: [string[], RegExp][] = [
    [["--stream", "Down:source=test"], /Invalid --stream "Down"/],
    [["--stream", "down"], /--stream down needs source=/],
    [["--stream", "down:source=test,port=9"], /"port=9" is not a source option/],
    [["--stream", "down:source=test,width=641,height=480"], /In --stream down: Invalid size 641x480/],
    [["--stream", "video:source=test"], /Two streams are named "video"/],
    [["--stream", "down:source=test", "--transport", "rtp"], /--stream needs --transport webrtc/],
  ];
  for (const [args, pattern] of cases) assertThrows(() => parseServerOptions(args, "rov"), pattern);
});

Deno.test("parseServerOptions reads --forward janus://HOST:PORT with RTCP on the port above or as given", () => {
  const o = parseServerOptions([
    "--forward",
    "janus://192.168.2.1:5600",
    "--forward",
    "janus://[fd00::1]:6000/?rtcp-port=7000",
  ], "x");
  assertEquals(o.forward, [
    { kind: "janus", host: "192.168.2.1", port: 5600, rtcpPort: 5601 },
    { kind: "janus", host: "fd00::1", port: 6000, rtcpPort: 7000 },
  ]);
  assertEquals(parseServerOptions([], "x").forward, []);
});

Deno.test("parseServerOptions refuses a malformed --forward with one line", () => {
  const cases: [string[], RegExp][] = [
    [["--forward", "192.168.2.1:5600"], /Invalid --forward "192.168.2.1:5600": expected janus:\/\/HOST:PORT/],
    [["--forward", "janus://host"], /Invalid --forward "janus:\/\/host"/],
    [["--forward", "janus://host:0"], /Invalid --forward "0"/],
    [["--forward", "janus://host:5600?rtcp-port=5600"], /RTCP needs a port of its own/],
    [["--forward", "janus://a b:5600"], /Invalid --forward/],
    [["--transport", "rtp", "--forward", "janus://h:5600"], /not with --transport rtp/],
    [["--stream", "down:source=test,forward=h:5600"], /In --stream down: Invalid --forward "h:5600"/],
  ];
  for (const [args, pattern] of cases) assertThrows(() => parseServerOptions(args, "x"), pattern);
});

Deno.test("parseServerOptions gives a --stream its own rtp= and forward= outputs, never the first camera's", () => {
  const o = parseServerOptions([
    ...["--rtp", "127.0.0.1:5600", "--forward", "janus://10.0.0.1:5700"],
    ...["--stream", "down:source=test,rtp=127.0.0.1:5602,rtp=239.255.0.3:5604,forward=janus://10.0.0.1:5800"],
    ...["--stream", "aft:source=test"],
  ], "x");
  assertEquals(o.rtp, [{ host: "127.0.0.1", port: 5600 }]);
  assertEquals(o.streams[0].rtp, [{ host: "127.0.0.1", port: 5602 }, { host: "239.255.0.3", port: 5604 }]);
  assertEquals(o.streams[0].forward, [{ kind: "janus", host: "10.0.0.1", port: 5800, rtcpPort: 5801 }]);
  assertEquals([o.streams[1].rtp, o.streams[1].forward], [[], []]);
});
