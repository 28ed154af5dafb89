/**
 * With default options nothing but loopback is contacted: server and client run in a namespace of
 * their own under strace, which records every address a socket connects or sends to.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { lastStatus, runClient, startServer } from "../support/processes.ts";
import { loopbackNamespace } from "../support/netns.ts";

/** Every IP address in connect/sendto/sendmsg calls of an strace log. */
export function destinations(log: string): string[] {
  const found = new Set<string>();
  for (const match of log.matchAll(/inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"/g)) {
    found.add(match[1] ?? match[2]);
  }
  return [...found];
}

const isLoopback = (address: string) =>
  address.startsWith("127.") || address === "::1" || address === "0.0.0.0" || address === "::";

function traced(ns: string[], log: string): string[] {
  return [...ns, "strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg,sendmmsg", "-o", log];
}

async function watch(serverArgs: string[], clientArgs: string[] = []) {
  await using ns = await loopbackNamespace();
  const dir = await Deno.makeTempDir();
  const serverLog = `${dir}/server.strace`;
  const clientLog = `${dir}/client.strace`;
  // Default options: bound to 0.0.0.0, beacons to every interface's broadcast address.
  const server = await startServer(serverArgs, {
    wrap: traced(ns.wrap, serverLog),
    defaultHost: true,
    timeoutMs: 30_000,
  });
  try {
    const discovery = String(server.discoveryPort);
    const client = await runClient(
      ["--auto", "--headless", "--frames", "60", "--discovery-port", discovery, ...clientArgs],
      {
        wrap: traced(ns.wrap, clientLog),
      },
    );
    assertEquals(client.code, 0, client.stderr);
    assert(lastStatus(client.stdout).frames >= 60, client.stdout);
  } finally {
    await server.stop();
  }
  const logs = { server: await Deno.readTextFile(serverLog), client: await Deno.readTextFile(clientLog) };
  await Deno.remove(dir, { recursive: true });
  return { server: destinations(logs.server), client: destinations(logs.client) };
}

for (const engine of [undefined, "werift"] as const) {
  const options = engine ? ` on the ${engine} engine` : "";
  Deno.test(`rov-server and rov-client with default options${options} contact only loopback`, async () => {
    const engines = engine ? ["--webrtc-engine", engine] : [];
    const seen = await watch(engines, engines);
    assert(seen.server.includes("127.255.255.255"), `beacons went to loopback broadcast: ${seen.server}`);
    assert(seen.client.includes("127.0.0.1"), `the client connected: ${seen.client}`);
    assertEquals(seen.server.filter((a) => !isLoopback(a)), [], "server contacted only loopback");
    assertEquals(seen.client.filter((a) => !isLoopback(a)), [], "client contacted only loopback");
  });
}

Deno.test("the loopback check catches a STUN lookup when --stun is given", async () => {
  const seen = await watch(["--stun"]);
  // The lookup of the STUN server goes to the namespace's (unreachable) resolver: the check sees it.
  assert(seen.server.some((a) => !isLoopback(a)), `expected a non-loopback attempt: ${seen.server}`);
});
