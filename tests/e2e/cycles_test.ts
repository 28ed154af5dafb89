/**
 * Viewers that come and go do not wear the server down: 200 WebRTC sessions, each connected until
 * media flows and then hung up, leave the server's open files where they were, no GStreamer object of
 * theirs alive (GStreamer's own leaks tracer counts them), and its resident memory close to where it
 * was (the C heap keeps some of what a session used: about 35 KB a session here, slowing down).
 * The server runs as users run it, with V8's --optimize-for-size (see V8_FLAGS): without it werift's
 * garbage grew V8's heap by 36–41 % over 200 sessions, which nothing here could tell from a leak.
 */
import { assert } from "../support/assert.ts";
import { type RunningServer, startServer } from "../support/processes.ts";
import { ReceiverSession } from "../../lib/webrtc/receiver_session.ts";
import { postOffer } from "../../lib/signalling/offer_client.ts";

const CYCLES = 200;
/** Sessions open at once: a crowd that comes and goes, inside the default --max-viewers. */
const AT_ONCE = 4;
const WARM_UP = 50;
/** Resident memory may grow this much over the 200 sessions (measured: gstreamer 4–9 %, werift 3–4 %). */
const RSS_GROWTH = 1.10;

function serverFigures(pid: number): { fds: number; rssKiB: number } {
  const fds = [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return { fds, rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) };
}

/** One viewer: offers, waits for its first RTP packet, hangs up (DELETE) and closes. */
async function cycle(server: RunningServer): Promise<void> {
  const media = Promise.withResolvers<void>();
  let id: string | undefined;
  const session = await ReceiverSession.connect(async (offer) => {
    const answer = await postOffer(`${server.url}/offer`, offer, { timeoutMs: 5000 });
    id = answer.id;
    return answer.sdp;
  }, {
    ice: { addresses: ["127.0.0.1"], stun: false },
    // With the data channel: the gstreamer engine rejects it and werift opens SCTP all the same;
    // the server must outlive such peers too.
    telemetry: true,
    onPacket: () => media.resolve(),
  });
  const timer = setTimeout(() => media.reject(new Error(`Viewer ${id}: no media within 10 s`)), 10_000);
  try {
    await media.promise;
  } finally {
    clearTimeout(timer);
    if (id) await (await fetch(`${server.url}/whep/${id}`, { method: "DELETE" })).body?.cancel();
    await session.close();
  }
}

async function cycles(server: RunningServer, count: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: AT_ONCE }, async () => {
    while (next < count) {
      next++;
      await cycle(server);
    }
  }));
}

async function settled(server: RunningServer): Promise<{ fds: number; rssKiB: number }> {
  // Removed branches finish stopping on their own threads; the viewer list empties first.
  for (let i = 0; i < 50; i++) {
    const status = await (await fetch(`${server.url}/api/status`)).json();
    if (status.viewers.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return serverFigures(server.child.pid);
}

/** GStreamer objects alive in the server now, by type (its leaks tracer, asked with SIGUSR1). */
async function aliveObjects(server: RunningServer): Promise<Record<string, number>> {
  const from = server.stderr.text.length;
  Deno.kill(server.child.pid, "SIGUSR1");
  await server.stderr.wait(/object-alive/, 5000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const counts: Record<string, number> = {};
  for (const match of server.stderr.text.slice(from).matchAll(/object-alive.*?type-name=\(string\)(\w+)/g)) {
    counts[match[1]] = (counts[match[1]] ?? 0) + 1;
  }
  return counts;
}

for (const engine of ["gstreamer", "werift"] as const) {
  Deno.test(`rov-server on the ${engine} engine: ${CYCLES} viewers connecting and leaving leave no files, memory or GStreamer objects behind`, async () => {
    // A crowd from one address, faster than --offer-rate lets one address offer by default.
    const server = await startServer(["--webrtc-engine", engine, "--no-discovery", "--offer-rate", "100"], {
      // GStreamer's leaks tracer: SIGUSR1 lists every GStreamer object alive.
      env: {
        GST_TRACERS: "leaks",
        GST_LEAKS_TRACER_SIG: "1",
        GST_DEBUG: "GST_TRACER:7",
        GST_DEBUG_NO_COLOR: "1",
      },
    });
    try {
      // The first sessions load plugins, make the DTLS key and fill allocator pools.
      await cycles(server, WARM_UP);
      const before = await settled(server);
      await cycles(server, CYCLES);
      const after = await settled(server);
      const figures = `files ${before.fds} → ${after.fds}, RSS ${before.rssKiB} → ${after.rssKiB} KiB`;
      console.log(`${engine}: ${figures}`);
      assert(after.fds <= before.fds * 1.1, figures);
      const status = await (await fetch(`${server.url}/api/status`)).json();
      assert(status.viewers.length === 0, JSON.stringify(status.viewers));
      if (engine === "gstreamer") {
        // Not one viewer's webrtcbin, branch or pad left alive.
        const alive = await aliveObjects(server);
        for (const type of ["GstWebRTCBin", "GstBin", "GstRtpBin", "GstNiceSrc", "GstGhostPad"]) {
          assert(!alive[type], `${alive[type]} ${type} alive: ${JSON.stringify(alive)}`);
        }
      }
      assert(after.rssKiB <= before.rssKiB * RSS_GROWTH, figures);
    } finally {
      await server.stop();
    }
  });
}
