/** Errors a user can act on: one line, a non-zero exit, never a stack trace. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  CLIENT,
  freeTcpPort,
  freeUdpPort,
  runClient,
  runToExit,
  SERVER,
  startServer,
} from "../support/processes.ts";

const run = (script: string, args: string[]) => runToExit(script, args);

function assertOneLine(stderr: string, pattern: RegExp): void {
  assertMatch(stderr, pattern);
  assert(!/^\s+at /m.test(stderr), `no stack trace:\n${stderr}`);
  assert(!/Uncaught|panicked/.test(stderr), stderr);
}

const serverArgs = (
  ...args: string[]
) => ["--host", "127.0.0.1", "--signal-port", "0", "--discovery-port", String(freeUdpPort()), ...args];

Deno.test("rov-server explains a bad option and exits 2", async () => {
  const result = await run(SERVER, ["--fps", "fast"]);
  assertEquals(result.code, 2);
  assertOneLine(
    result.stderr,
    /^rov-server: Invalid --fps "fast": expected a whole number from 1 to 240\nTry 'rov-server --help'\.\n$/,
  );
});

Deno.test("rov-server explains a missing file and a file that is not video", async () => {
  const missing = await run(SERVER, serverArgs("--source", "file", "--file", "/nonexistent/dive.mp4"));
  assertEquals(missing.code, 1);
  assertOneLine(missing.stderr, /^rov-server: Cannot open file \/nonexistent\/dive.mp4: no such file\n$/);
  const text = await Deno.makeTempFile({ suffix: ".mp4" });
  try {
    await Deno.writeTextFile(text, "this is not a video\n".repeat(100));
    const notVideo = await run(SERVER, serverArgs("--source", "file", "--file", text));
    assertEquals(notVideo.code, 1);
    assertOneLine(notVideo.stderr, /Cannot play file .*: not a video file GStreamer can decode/);
  } finally {
    await Deno.remove(text);
  }
});

Deno.test("rov-server --source pipeline with a description GStreamer cannot build says so in one line", async () => {
  const result = await run(
    SERVER,
    serverArgs("--source", "pipeline", "--pipeline", "nosuchelement ! fakesink"),
  );
  assertEquals(result.code, 1);
  assertOneLine(result.stderr, /^rov-server: [^\n]*nosuchelement[^\n]*\n$/);
});

Deno.test("rov-server explains an absent camera and suggests the test source", async () => {
  const result = await run(SERVER, serverArgs("--source", "webcam", "--device", "97"));
  assertEquals(result.code, 1);
  assertOneLine(
    result.stderr,
    /^rov-server: Cannot open camera \/dev\/video97: no such camera \(try --source test, or another --device\)\n$/,
  );
});

Deno.test("rov-server explains a signalling port in use", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const result = await run(SERVER, [
      "--source",
      "test",
      "--host",
      "127.0.0.1",
      "--signal-port",
      String(port),
    ]);
    assertEquals(result.code, 2);
    assertOneLine(
      result.stderr,
      new RegExp(`Cannot listen on 127.0.0.1:${port}: port in use \\(choose another --signal-port\\)`),
    );
  } finally {
    listener.close();
  }
});

Deno.test("rov-client --no-reconnect explains an unreachable server", async () => {
  const port = freeTcpPort();
  const result = await runClient([
    "--host",
    "127.0.0.1",
    "--signal-port",
    String(port),
    "--headless",
    "--no-reconnect",
  ]);
  assertEquals(result.code, 1);
  assertOneLine(
    result.stderr,
    new RegExp(`rov-client: Cannot reach rov-server at http://127.0.0.1:${port}/offer: connection refused`),
  );
});

Deno.test("rov-client --no-reconnect explains that no server was found in time", async () => {
  const result = await runClient([
    "--auto",
    "--headless",
    "--no-reconnect",
    "--discovery-port",
    String(freeUdpPort()),
    "--discovery-timeout",
    "0.5",
    "--discovery-address",
    "127.255.255.255",
  ]);
  assertEquals(result.code, 1);
  assertOneLine(result.stderr, /rov-client: No rov-server found within 0.5 s on discovery port \d+\n$/);
});

Deno.test("rov-client explains a bad option and a missing video sink", async () => {
  const bad = await run(CLIENT, ["--auto", "--frames", "many"]);
  assertEquals(bad.code, 2);
  assertOneLine(bad.stderr, /rov-client: Invalid --frames "many"/);
  const server = await startServer();
  try {
    const sink = await runClient([
      "--host",
      "127.0.0.1",
      "--signal-port",
      String(server.port),
      "--sink",
      "nosuchsink",
      "--frames",
      "5",
    ]);
    assertEquals(sink.code, 1);
    assertOneLine(sink.stderr, /^rov-client: GStreamer element "nosuchsink" is not installed \(--sink\)\n$/);
  } finally {
    await server.stop();
  }
});

Deno.test("rov-server and rov-client print help and version", async () => {
  for (const script of [SERVER, CLIENT]) {
    const help = await run(script, ["--help"]);
    assertEquals(help.code, 0);
    assertMatch(help.stdout, /Usage: rov-(server|client)/);
    const version = await run(script, ["--version"]);
    assertEquals(version.code, 0);
    assertMatch(version.stdout, /^rov-(server|client) \d+\.\d+\.\d+ \(from source, \w+; Deno /);
  }
});

Deno.test("rov-server --list-devices says in one line that this machine has no camera (and [] with --json)", async () => {
  const plain = await runToExit(SERVER, ["--list-devices"]);
  assertEquals([plain.code, plain.stdout], [
    0,
    "No camera found: GStreamer's device monitor sees no video source\n",
  ]);
  const json = await runToExit(SERVER, ["--list-devices", "--json"]);
  assertEquals([json.code, JSON.parse(json.stdout)], [0, []]);
});
