/**
 * The MAVLink camera protocol against a ground station written from the spec (tests/support/
 * mavlink_peer.ts, not the library the server uses): HEARTBEAT as a camera, VIDEO_STREAM_INFORMATION
 * and CAMERA_INFORMATION on request, and the URI it gives plays.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { freeTcpPort, startServer } from "../support/processes.ts";
import {
  cameraInformation,
  commandAck,
  commandLong,
  decodeFrames,
  GroundStation,
  heartbeat,
  MSG,
  videoStreamInformation,
} from "../support/mavlink_peer.ts";

const MAV_TYPE_CAMERA = 30;
const MAV_CMD_REQUEST_MESSAGE = 512;
const MAV_CMD_REQUEST_CAMERA_INFORMATION = 521;
const MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION = 2504;
const CAMERA = { sysid: 1, compid: 100 };

Deno.test("the ground-station peer decodes a HEARTBEAT frame as the spec lays it out", () => {
  // A camera's HEARTBEAT (system 1, component 100), bytes as MAVLink 2 puts them on the wire.
  const bytes = new Uint8Array([
    0xfd,
    0x09,
    0,
    0,
    0,
    0x01,
    0x64,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x1e,
    0x08,
    0,
    0x04,
    0x03,
    0x61,
    0x88,
  ]);
  const [frame] = decodeFrames(bytes);
  assertEquals([frame.sysid, frame.compid, frame.msgid], [1, 100, MSG.HEARTBEAT]);
  assertEquals(heartbeat(frame), { type: MAV_TYPE_CAMERA, autopilot: 8, systemStatus: 4 });
  bytes[20] ^= 0xff; // a bad checksum: no frame
  assertEquals(decodeFrames(bytes).length, 0);
});

Deno.test("rov-server --mavlink is a camera a ground station finds, asks for its stream, and plays", async () => {
  const station = new GroundStation();
  const rtspPort = freeTcpPort();
  const server = await startServer([
    "--rtsp-port",
    String(rtspPort),
    "--mavlink",
    `udpout:127.0.0.1:${station.port}`,
  ]);
  try {
    assertMatch(server.stderr.text, new RegExp(`MAVLink camera on udpout:127\\.0\\.0\\.1:${station.port}`));
    const beat = await station.wait((f) => f.msgid === MSG.HEARTBEAT);
    assertEquals([beat.sysid, beat.compid], [CAMERA.sysid, CAMERA.compid]);
    assertEquals(heartbeat(beat).type, MAV_TYPE_CAMERA);
    const camera = station.frames.find((f) => f.msgid === MSG.HEARTBEAT)!.from;

    // Garbage first: it must not disturb the component.
    await station.send(new Uint8Array([0xfd, 0xff, 1, 2, 3, 0xfe, 0x00, 0x42]), camera);

    station.clear();
    await station.send(
      commandLong(CAMERA, MAV_CMD_REQUEST_MESSAGE, [MSG.VIDEO_STREAM_INFORMATION, 0]),
      camera,
    );
    const ack = commandAck(await station.wait((f) => f.msgid === MSG.COMMAND_ACK));
    assertEquals(ack, { command: MAV_CMD_REQUEST_MESSAGE, result: 0 });
    const info = videoStreamInformation(await station.wait((f) => f.msgid === MSG.VIDEO_STREAM_INFORMATION));
    assertEquals(info.uri, `rtsp://127.0.0.1:${rtspPort}/video`);
    assertEquals([info.width, info.height, info.framerate, info.streamId, info.count], [640, 360, 30, 1, 1]);
    assertEquals(info.type, 0, "VIDEO_STREAM_TYPE_RTSP");
    assertEquals(info.encoding, 1, "VIDEO_STREAM_ENCODING_H264");
    assert(info.bitrate > 0);

    // The URI plays.
    const ffprobe = await new Deno.Command("ffprobe", {
      args: ["-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0", "-show_entries"]
        .concat(["stream=codec_name,width,height", "-of", "csv=p=0", info.uri]),
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).output();
    assertEquals(
      new TextDecoder().decode(ffprobe.stdout).trim(),
      "h264,640,360",
      new TextDecoder().decode(ffprobe.stderr),
    );

    // The older commands, and one it does not support.
    station.clear();
    await station.send(commandLong(CAMERA, MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION, [0]), camera);
    await station.wait((f) => f.msgid === MSG.VIDEO_STREAM_INFORMATION);
    await station.send(commandLong(CAMERA, MAV_CMD_REQUEST_CAMERA_INFORMATION, [1]), camera);
    const about = cameraInformation(await station.wait((f) => f.msgid === MSG.CAMERA_INFORMATION));
    assertEquals(about.vendor, "rov-stream");
    assert(about.flags & 256, "CAMERA_CAP_FLAGS_HAS_VIDEO_STREAM");
    station.clear();
    await station.send(commandLong(CAMERA, 400, /* MAV_CMD_COMPONENT_ARM_DISARM */ [1]), camera);
    const refused = commandAck(await station.wait((f) => f.msgid === MSG.COMMAND_ACK));
    assertEquals(refused, { command: 400, result: 3 }, "MAV_RESULT_UNSUPPORTED");

    const status = await (await fetch(`${server.url}/api/status`)).json();
    assertEquals(status.mavlink.component, 100);
    assert(status.mavlink.requestsAnswered >= 3);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
    await station.close();
  }
});

Deno.test("rov-server --mavlink udpin answers the ground station that speaks to it, and then beats to it", async () => {
  const station = new GroundStation();
  const listen = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (listen.addr as Deno.NetAddr).port;
  listen.close();
  const server = await startServer(["--mavlink", `udpin:127.0.0.1:${port}`]);
  try {
    const camera: Deno.NetAddr = { transport: "udp", hostname: "127.0.0.1", port };
    await station.send(commandLong(CAMERA, MAV_CMD_REQUEST_CAMERA_INFORMATION, [1]), camera);
    assertEquals(commandAck(await station.wait((f) => f.msgid === MSG.COMMAND_ACK)).result, 0);
    await station.wait((f) => f.msgid === MSG.HEARTBEAT, 3000);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
    await station.close();
  }
});

Deno.test("rov-server explains a bad --mavlink in one line and exits 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../server.ts", import.meta.url).pathname, "--mavlink", "tcp:1.2.3.4"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 2);
  assertEquals(
    new TextDecoder().decode(out.stderr).split("\n")[0],
    'rov-server: Invalid --mavlink "tcp:1.2.3.4": use udpout:HOST:PORT, udpin:ADDR:PORT or serial:DEVICE:BAUD',
  );
});
