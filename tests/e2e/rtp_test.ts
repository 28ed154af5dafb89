/** The native RTP transport end to end: unicast on loopback, multicast across a veth LAN, ffmpeg via SDP. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { freeRtpPort, lastStatus, rtpArgs, runClient, startServer } from "../support/processes.ts";
import { vethPair } from "../support/netns.ts";

Deno.test("RTP unicast on loopback: rov-client decodes 150 frames, no JavaScript on the media path", async () => {
  const port = String(freeRtpPort());
  const server = await startServer([...rtpArgs(port)]);
  try {
    const client = await runClient([
      ...rtpArgs(port),
      "--headless",
      "--frames",
      "150",
    ]);
    assertEquals(client.code, 0, client.stderr);
    const status = lastStatus(client.stdout);
    assert(status.frames >= 150, client.stdout);
    assertEquals(status.size, "640x360");
    const api = await (await fetch(`${server.url}/api/status`)).json();
    assertEquals([api.transport, api.rtp], ["rtp", { address: "127.0.0.1", port: Number(port) }]);
    assertEquals(api.packetsEncoded, 0, "packets never pass through JavaScript");
    const offer = await fetch(`${server.url}/offer`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    assertEquals(offer.status, 400);
    await offer.body?.cancel();
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("RTP unicast with --auto: the beacon tells the client where the stream is", async () => {
  const port = String(freeRtpPort());
  const server = await startServer([...rtpArgs(port)]);
  try {
    const client = await runClient([
      "--auto",
      "--headless",
      "--frames",
      "60",
      "--discovery-port",
      String(server.discoveryPort),
      "--discovery-address",
      "127.255.255.255",
    ]);
    assertEquals(client.code, 0, client.stderr);
    assertMatch(client.stderr, new RegExp(`over RTP 127\\.0\\.0\\.1:${port}`));
    assert(lastStatus(client.stdout).frames >= 60, client.stdout);
  } finally {
    await server.stop();
  }
});

Deno.test("RTP multicast between two network namespaces: the client finds the group by discovery", async () => {
  await using lan = await vethPair();
  const port = String(freeRtpPort());
  const server = await startServer(["--transport", "rtp", "--rtp-port", port], {
    wrap: lan.a.wrap,
    defaultHost: true,
    timeoutMs: 30_000,
  });
  try {
    // Defaults: multicast to 239.255.0.1, beacons to the veth subnet's broadcast address.
    const client = await runClient([
      "--auto",
      "--headless",
      "--frames",
      "90",
      "--discovery-port",
      String(server.discoveryPort),
    ], { wrap: lan.b.wrap });
    assertEquals(client.code, 0, client.stderr);
    assertMatch(
      client.stderr,
      new RegExp(`at ${lan.a.address.replaceAll(".", "\\.")}: .* over RTP 239\\.255\\.0\\.1:${port}`),
    );
    assert(lastStatus(client.stdout).frames >= 90, client.stdout);
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("ffmpeg decodes the RTP stream from /stream.sdp", async () => {
  const port = freeRtpPort();
  const dir = await Deno.makeTempDir();
  const server = await startServer([
    ...rtpArgs(port),
    "--sdp-file",
    `${dir}/written.sdp`,
  ]);
  try {
    const response = await fetch(`${server.url}/stream.sdp`);
    assertEquals(response.headers.get("content-type"), "application/sdp");
    const sdp = await response.text();
    assertMatch(sdp, new RegExp(`m=video ${port} RTP/AVP 96`));
    assertMatch(sdp, /c=IN IP4 127\.0\.0\.1/);
    assertEquals(await Deno.readTextFile(`${dir}/written.sdp`), sdp, "--sdp-file holds the same SDP");
    await Deno.writeTextFile(`${dir}/stream.sdp`, sdp);
    const ffmpeg = await new Deno.Command("ffmpeg", {
      args: [
        "-hide_banner",
        "-nostdin",
        "-protocol_whitelist",
        "file,udp,rtp",
        "-i",
        `${dir}/stream.sdp`,
        "-frames:v",
        "30",
        "-f",
        "null",
        "-",
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const log = new TextDecoder().decode(ffmpeg.stderr);
    assertEquals(ffmpeg.code, 0, log);
    assertMatch(log, /Video: h264.*640x360/);
    assertMatch(log, /frame=\s*30/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await server.stop();
  }
});

Deno.test("/stream.sdp is 404, saying why, when no plain RTP is sent", async () => {
  const server = await startServer();
  try {
    const response = await fetch(`${server.url}/stream.sdp`);
    assertEquals(response.status, 404);
    assertMatch(await response.text(), /sends no plain RTP of this stream \(--rtp/);
  } finally {
    await server.stop();
  }
});
