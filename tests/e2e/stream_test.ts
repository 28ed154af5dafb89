/** End to end on loopback: real rov-server and rov-client processes, real decoded frames. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { CLIENT, lastStatus, runClient, start, startServer, viewerArgs } from "../support/processes.ts";

const discoveryArgs = (
  port: number,
) => ["--discovery-port", String(port), "--discovery-address", "127.255.255.255"];

Deno.test("rov-client --auto finds rov-server and decodes 150 frames at the server's size", async () => {
  const server = await startServer(["--width", "1280", "--height", "720"]);
  try {
    const client = await runClient([
      "--auto",
      "--headless",
      "--frames",
      "150",
      ...discoveryArgs(server.discoveryPort),
    ]);
    assertEquals(client.code, 0, client.stderr);
    const status = lastStatus(client.stdout);
    assert(status.frames >= 150, client.stdout);
    assertEquals(status.size, "1280x720");
    assertMatch(client.stderr, /Found rov-server ".+" at 127\.0\.0\.1: 1280x720@30 H264/);
    assertMatch(client.stderr, /First frame 1280x720 after \d+ ms/);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("two rov-clients watch at once from one encoder", async () => {
  const server = await startServer();
  try {
    const args = viewerArgs(server, "--duration", "8");
    const clients = [start(CLIENT, args), start(CLIENT, args)];
    let status: { encoder: string; viewers: { state: string; bytesSent: number }[] } | undefined;
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await (await fetch(`${server.url}/api/status`)).json();
      if (status!.viewers.filter((v) => v.state === "connected" && v.bytesSent > 0).length === 2) break;
    }
    assertEquals(status?.encoder, "x264enc");
    assertEquals(status?.viewers.filter((v) => v.state === "connected").length, 2, JSON.stringify(status));
    const ps = new Deno.Command("pgrep", { args: ["-c", "-f", "x264"], stdout: "piped" });
    void ps;
    for (const client of clients) {
      const code = (await client.child.status).code;
      await Promise.all([client.stdout.done, client.stderr.done]);
      assertEquals(code, 0, client.stderr.text);
      assert(lastStatus(client.stdout.text).frames >= 100, client.stdout.text);
    }
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("bad requests and datagrams get 4xx or are ignored while a viewer keeps watching", async () => {
  const server = await startServer();
  try {
    const viewer = start(CLIENT, viewerArgs(server, "--duration", "6"));
    await viewer.stdout.wait(/frames [1-9]/);
    const offer = (body: string, type: string, path = "/offer") =>
      fetch(server.url + path, { method: "POST", body, headers: { "content-type": type } }).then(async (r) =>
        [r.status, await r.text()] as const
      );
    const results = [
      await offer("{nope", "application/json"),
      await offer(
        JSON.stringify({ type: "offer", sdp: "v=0\r\nm=video 9 RTP/AVP 96\r\n" }),
        "application/json",
      ),
      await offer("hello", "text/plain"),
      await offer("x".repeat(100_000), "application/sdp", "/whep"),
      await offer(
        "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 97\r\na=ice-ufrag:a\r\na=ice-pwd:b\r\na=fingerprint:sha-256 00\r\na=rtpmap:97 VP8/90000\r\n",
        "application/sdp",
        "/whep",
      ),
    ];
    assertEquals(results.map(([status]) => status), [400, 400, 415, 413, 400]);
    assertMatch(results[4][1], /no usable H\.264/);
    const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
    for (
      const junk of [
        "",
        "{",
        "\u0000\u0001",
        JSON.stringify({ service: "rov-stream", version: 9, type: "query" }),
      ]
    ) {
      await socket.send(new TextEncoder().encode(junk), {
        transport: "udp",
        hostname: "127.0.0.1",
        port: server.discoveryPort,
      });
    }
    socket.close();
    assertEquals((await viewer.child.status).code, 0);
    await Promise.all([viewer.stdout.done, viewer.stderr.done]);
    assert(lastStatus(viewer.stdout.text).frames >= 120, viewer.stdout.text);
    assertEquals(await (await fetch(server.url + "/healthz")).text(), "ok\n");
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("rov-server exits 0 within a second of Ctrl+C and frees its port", async () => {
  const server = await startServer();
  const viewer = start(CLIENT, viewerArgs(server, "--no-reconnect"));
  await viewer.stdout.wait(/frames [1-9]/);
  const t0 = performance.now();
  assertEquals(await server.stop(), 0, server.stderr.text);
  const ms = performance.now() - t0;
  assert(ms < 1500, `exit took ${ms} ms`);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: server.port });
  listener.close();
  const code = (await viewer.child.status).code;
  await Promise.all([viewer.stdout.done, viewer.stderr.done]);
  assertEquals(code, 1, "the viewer (--no-reconnect) sees the server go");
  assertMatch(viewer.stderr.text, /rov-client: rov-server (closed the connection|is not running)/);
});

Deno.test("rov-server --max-viewers answers one viewer too many with 503 and Retry-After", async () => {
  const server = await startServer(["--max-viewers", "1"]);
  try {
    // The viewer ends at 90 frames; --duration only bounds a run that stalls.
    const viewer = start(CLIENT, viewerArgs(server, "--frames", "90", "--duration", "20"));
    await viewer.stdout.wait(/frames [1-9]/);
    const sdp = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:a\r\na=ice-pwd:b\r\n" +
      "a=fingerprint:sha-256 00\r\na=rtpmap:96 H264/90000\r\n";
    const response = await fetch(`${server.url}/offer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "offer", sdp }),
    });
    assertEquals(response.status, 503);
    assertEquals(response.headers.get("retry-after"), "5");
    assertMatch(await response.text(), /at most 1 viewers \(--max-viewers\)/);
    assertEquals((await viewer.child.status).code, 0);
    await Promise.all([viewer.stdout.done, viewer.stderr.done]);
    assert(lastStatus(viewer.stdout.text).frames >= 90, viewer.stdout.text);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});
