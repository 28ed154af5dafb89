/**
 * A cut link costs a moment of picture, never the session: server and client run in a namespace of
 * the test's own, where nftables drops every UDP packet for 3 s and then lets them through again.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { CLIENT, start, startServer } from "../support/processes.ts";
import { canUseNamespaces } from "../support/netns.ts";
import { lossyNamespace, setLoss } from "../support/lossy_net.ts";

Deno.test({
  name: "rov-client gets the picture back within 1 s of a 3 s link cut, in the same session",
  ignore: !(await canUseNamespaces()),
  async fn() {
    await using ns = await lossyNamespace();
    const server = await startServer(["--width", "1280", "--height", "720"], { wrap: ns.wrap });
    const client = start(CLIENT, [
      "--host",
      "127.0.0.1",
      "--signal-port",
      String(server.port),
      "--headless",
      "--duration",
      "30",
    ], { wrap: ns.wrap });
    try {
      await client.stdout.wait(/frames [1-9]\d/, 20_000);
      await setLoss(ns, 100);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await setLoss(ns, 0);
      const restored = performance.now();
      await client.stderr.wait(/Picture back after/, 10_000);
      const ms = performance.now() - restored;
      assert(ms < 1000, `picture ${ms.toFixed(0)} ms after the link came back`);
      assert(!/Reconnecting/.test(client.stderr.text), `the session survived:\n${client.stderr.text}`);
    } finally {
      assertEquals(await client.stop(), 0, client.stderr.text);
      assertEquals(await server.stop(), 0, server.stderr.text);
    }
  },
});
