/**
 * The client never gives up unless asked: a server killed with SIGKILL and started again (on another
 * port, with another id) gives a running rov-client its picture back by itself, on each engine.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { CLIENT, freeTcpPort, lastStatus, start, startServer } from "../support/processes.ts";

const ENGINES = ["gstreamer", "werift"] as const;

for (const engine of ENGINES) {
  Deno.test(`rov-client --auto on the ${engine} engine shows a restarted server's picture within 2 s of its readiness`, async () => {
    const first = await startServer(["--webrtc-engine", engine]);
    const discovery = ["--discovery-port", String(first.discoveryPort)];
    const client = start(CLIENT, [
      "--auto",
      ...discovery,
      "--discovery-address",
      "127.255.255.255",
      "--webrtc-engine",
      engine,
      "--headless",
      "--duration",
      "40",
    ]);
    let second: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      await client.stdout.wait(/frames [1-9]/, 20_000);
      first.child.kill("SIGKILL");
      await first.child.status;
      second = await startServer(["--webrtc-engine", engine, ...discovery]);
      const ready = performance.now();
      await client.stderr.wait(/Picture back/, 10_000);
      const ms = performance.now() - ready;
      assert(ms < 2000, `picture ${ms.toFixed(0)} ms after the new server was ready`);
      assertMatch(
        client.stderr.text,
        /Reconnecting: rov-server is not running|Reconnecting: rov-server restarted/,
      );
      const before = lastStatus(client.stdout.text).frames;
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const after = lastStatus(client.stdout.text).frames;
      assert(after >= before + 30, `frames keep coming: ${before} → ${after}`);
    } finally {
      assertEquals(await client.stop(), 0, client.stderr.text);
      await Promise.all([first.stdout.done, first.stderr.done]);
      if (second) assertEquals(await second.stop(), 0, second.stderr.text);
    }
  });
}

Deno.test("rov-client --host keeps redialling a server that is not up yet and plays once it starts", async () => {
  const port = freeTcpPort();
  const client = start(CLIENT, [
    "--host",
    "127.0.0.1",
    "--signal-port",
    String(port),
    "--headless",
    "--frames",
    "30",
  ]);
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    await client.stderr.wait(/Reconnecting: Cannot reach rov-server .*connection refused/, 15_000);
    server = await startServer(["--signal-port", String(port)]);
    const code = (await client.child.status).code;
    await Promise.all([client.stdout.done, client.stderr.done]);
    assertEquals(code, 0, client.stderr.text);
    // Said once, not once a retry.
    assertEquals(client.stderr.text.match(/Reconnecting: Cannot reach/g)?.length, 1, client.stderr.text);
  } finally {
    await client.stop();
    if (server) assertEquals(await server.stop(), 0, server.stderr.text);
  }
});
