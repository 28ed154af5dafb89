/**
 * rov-client on each WebRTC engine against rov-server on each engine: all four pairs decode frames,
 * in one session from start to end.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { lastStatus, runClient, startServer, viewerArgs } from "../support/processes.ts";

const ENGINES = ["gstreamer", "werift"] as const;

for (const serverEngine of ENGINES) {
  for (const clientEngine of ENGINES) {
    Deno.test(`rov-client on the ${clientEngine} engine decodes from rov-server on the ${serverEngine} engine`, async () => {
      const server = await startServer(["--webrtc-engine", serverEngine]);
      try {
        assertMatch(server.stderr.text, new RegExp(`WebRTC on the ${serverEngine} engine`));
        const client = await runClient(
          viewerArgs(server, "--webrtc-engine", clientEngine, "--frames", "90"),
          {
            timeoutMs: 30_000,
          },
        );
        assertEquals(client.code, 0, client.stderr);
        const last = lastStatus(client.stdout);
        assert(last.frames >= 90, client.stdout);
        assertEquals(last.size, "640x360");
        // A session that failed and came back would pass on frames alone: werift's SCTP towards
        // a server that had rejected the data channel ended every session there within a second.
        assert(!/Reconnecting/.test(client.stderr), client.stderr);
        assertEquals(server.stderr.text.match(/joined via/g)?.length, 1, server.stderr.text);
        const status = await (await fetch(`${server.url}/api/status`)).json();
        assertEquals(status.webrtcEngine, serverEngine);
      } finally {
        assertEquals(await server.stop(), 0, server.stderr.text);
      }
    });
  }
}

Deno.test("rov-server on the gstreamer engine serves two viewers at once and frees one that hangs up", async () => {
  const server = await startServer(["--webrtc-engine", "gstreamer"]);
  try {
    const long = runClient(viewerArgs(server, "--frames", "150"));
    await server.stderr.wait(/joined via \/offer \(1 watching\)/, 10_000);
    const short = await runClient(viewerArgs(server, "--frames", "30"));
    assertEquals(short.code, 0, short.stderr);
    const first = await long;
    assertEquals(first.code, 0, first.stderr);
    assert(lastStatus(first.stdout).frames >= 150, first.stdout);
    const status = await (await fetch(`${server.url}/api/status`)).json();
    assert(status.viewers.length <= 2, JSON.stringify(status.viewers));
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});

Deno.test("rov-server on the gstreamer engine serves werift viewers one after another", async () => {
  // Each answer must announce the viewer's SSRC before its first frame reached the payloader:
  // werift routes RTP by it and dropped every packet when it was missing.
  const server = await startServer(["--webrtc-engine", "gstreamer"]);
  try {
    for (let i = 0; i < 3; i++) {
      const client = await runClient(viewerArgs(server, "--webrtc-engine", "werift", "--frames", "20"), {
        timeoutMs: 30_000,
      });
      assertEquals(client.code, 0, `session ${i + 1}: ${client.stderr}`);
    }
  } finally {
    assertEquals(await server.stop(), 0, server.stderr.text);
  }
});
