import { assertEquals, assertRejects } from "../support/assert.ts";
import { Announcer } from "../../lib/discovery/announcer.ts";
import { findServer, NotFoundError } from "../../lib/discovery/browser.ts";
import { freeUdpPort } from "../support/processes.ts";
import { BEACON } from "./beacon_test.ts";

const loopbackBeacon = (address: string) => ({
  ...BEACON,
  urls: { ...BEACON.urls, offer: `http://${address}:8080/offer` },
});

Deno.test("findServer gets an answer to its query at once, long before the next beacon", async () => {
  const port = freeUdpPort();
  // One beacon an hour: only the query's answer can find it within the test.
  const announcer = new Announcer({
    port,
    host: "127.0.0.1",
    beacon: loopbackBeacon,
    interfaces: () => [],
    intervalMs: 3_600_000,
  });
  try {
    await new Promise((r) => setTimeout(r, 50)); // the start-up beacon has gone by
    const started = performance.now();
    const found = await findServer({ port, targets: ["127.255.255.255"], timeoutMs: 2000 });
    assertEquals(found.beacon.urls.offer, "http://127.0.0.1:8080/offer");
    assertEquals(found.address, "127.0.0.1");
    const ms = performance.now() - started;
    if (ms > 1000) throw new Error(`discovery took ${ms} ms`);
  } finally {
    await announcer.close();
  }
});

Deno.test("findServer hears periodic beacons without sending a query that is answered", async () => {
  const port = freeUdpPort();
  const announcer = new Announcer({
    port,
    host: "127.0.0.1",
    beacon: loopbackBeacon,
    interfaces: () => [],
    intervalMs: 100,
  });
  try {
    // Queries go to a port nobody answers on: only the broadcast beacons can be heard.
    const found = await findServer({ port, targets: [], timeoutMs: 2000 });
    assertEquals(found.beacon.name, "bluerov");
  } finally {
    await announcer.close();
  }
});

Deno.test("findServer selects by name and times out with a clear error", async () => {
  const port = freeUdpPort();
  const announcer = new Announcer({
    port,
    host: "127.0.0.1",
    beacon: loopbackBeacon,
    interfaces: () => [],
    intervalMs: 100,
  });
  try {
    assertEquals(
      (await findServer({ port, targets: ["127.255.255.255"], name: "bluerov", timeoutMs: 2000 })).beacon
        .name,
      "bluerov",
    );
    await assertRejects(
      () => findServer({ port, targets: ["127.255.255.255"], name: "other", timeoutMs: 300 }),
      /No rov-server named "other" found within 0.3 s/,
    );
  } finally {
    await announcer.close();
  }
  await assertRejects(
    () => findServer({ port: freeUdpPort(), targets: ["127.255.255.255"], timeoutMs: 200 }),
    /No rov-server found/,
  );
  void NotFoundError;
});

Deno.test("Announcer ignores garbage datagrams and keeps answering", async () => {
  const port = freeUdpPort();
  const announcer = new Announcer({
    port,
    host: "127.0.0.1",
    beacon: loopbackBeacon,
    interfaces: () => [],
    intervalMs: 3_600_000,
  });
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
    const found = await findServer({ port, targets: ["127.255.255.255"], timeoutMs: 2000 });
    assertEquals(found.beacon.name, "bluerov");
  } finally {
    socket.close();
    await announcer.close();
  }
});
