import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { Announcer } from "../../lib/discovery/announcer.ts";
import { findServer, NotFoundError } from "../../lib/discovery/browser.ts";
import { freeUdpPort } from "../../lib/free_port.ts";
import { BEACON } from "./beacon_test.ts";

const loopbackBeacon = (address: string) => ({
  ...BEACON,
  urls: { ...BEACON.urls, offer: `http://${address}:8080/offer` },
});

/** Runs `body` while an announcer on a free port answers on loopback, beaconing every `intervalMs`. */
async function withAnnouncer(intervalMs: number, body: (port: number) => Promise<void>): Promise<void> {
  const port = freeUdpPort();
  const announcer = new Announcer({
    port,
    host: "127.0.0.1",
    beacon: loopbackBeacon,
    interfaces: () => [],
    intervalMs,
  });
  try {
    await body(port);
  } finally {
    await announcer.close();
  }
}

const HOURLY = 3_600_000; // beacons this rare are never heard in a test: only query answers are

Deno.test("findServer gets an answer to its query at once, long before the next beacon", async () => {
  await withAnnouncer(HOURLY, async (port) => {
    await new Promise((r) => setTimeout(r, 50)); // the start-up beacon has gone by
    const started = performance.now();
    const found = await findServer({ port, targets: ["127.255.255.255"], timeoutMs: 2000 });
    assertEquals(found.beacon.urls.offer, "http://127.0.0.1:8080/offer");
    assertEquals(found.address, "127.0.0.1");
    const ms = performance.now() - started;
    assert(ms < 1000, `discovery took ${ms} ms`);
  });
});

Deno.test("findServer hears periodic beacons without a query being answered", async () => {
  await withAnnouncer(100, async (port) => {
    const found = await findServer({ port, targets: [], timeoutMs: 2000 }); // no query is sent
    assertEquals(found.beacon.name, "bluerov");
  });
});

Deno.test("findServer selects by name and times out with a clear error", async () => {
  await withAnnouncer(100, async (port) => {
    const found = await findServer({ port, targets: ["127.255.255.255"], name: "bluerov", timeoutMs: 2000 });
    assertEquals(found.beacon.name, "bluerov");
    await assertRejects(
      () => findServer({ port, targets: ["127.255.255.255"], name: "other", timeoutMs: 300 }),
      /No rov-server named "other" found within 0.3 s/,
    );
  });
  const error = await findServer({ port: freeUdpPort(), targets: ["127.255.255.255"], timeoutMs: 200 }).catch(
    (e) => e,
  );
  assert(error instanceof NotFoundError);
  assertEquals(error.message.startsWith("No rov-server found within 0.2 s"), true);
});

Deno.test("Announcer ignores garbage datagrams and keeps answering", async () => {
  await withAnnouncer(HOURLY, async (port) => {
    const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
    try {
      for (
        const junk of [
          "",
          "{",
          '{"service":"rov-stream","version":1,"type":"query","name":""}',
          "x".repeat(3000),
        ]
      ) {
        await socket.send(new TextEncoder().encode(junk), { transport: "udp", hostname: "127.0.0.1", port });
      }
    } finally {
      socket.close();
    }
    const found = await findServer({ port, targets: ["127.255.255.255"], timeoutMs: 2000 });
    assertEquals(found.beacon.name, "bluerov");
  });
});
