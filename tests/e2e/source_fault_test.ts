/**
 * Source faults on the server: a capture process that dies and comes back (a stand-in for a USB
 * camera that resets). The server keeps its viewers' sessions, retries the source, and the picture
 * is back within 1 s of the source's return — on each WebRTC engine and the RTP transport.
 */
import { assert, assertEquals } from "../support/assert.ts";
import {
  CLIENT,
  freeRtpPort,
  rtpArgs,
  type RunningServer,
  start,
  startServer,
  viewerArgs,
} from "../support/processes.ts";
import { wallClockMs } from "../../lib/wall_clock.ts";

const SIZE = { width: 320, height: 240 };
const CAPS = `video/x-raw,format=I420,width=${SIZE.width},height=${SIZE.height},framerate=30/1`;

/** A capture process outside the server: a test picture into shared memory at `socket`. */
function startCamera(socket: string): Deno.ChildProcess {
  try {
    Deno.removeSync(socket); // a process killed with SIGKILL leaves its socket behind
  } catch { /* none */ }
  return new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      "videotestsrc",
      "is-live=true",
      "pattern=ball",
      "!",
      CAPS,
      "!",
      "shmsink",
      `socket-path=${socket}`,
      "wait-for-connection=false",
      "sync=true",
      "shm-size=4000000",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** When `socket` exists: the capture process is up and the server can open it. */
async function waitForSocket(socket: string, timeoutMs = 5000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      Deno.statSync(socket);
      return wallClockMs();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  throw new Error(`The capture process made no socket at ${socket} within ${timeoutMs} ms`);
}

/** The decoded frames' wall-clock times from rov-client's --stats-json file. */
async function frameTimes(path: string): Promise<number[]> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line).at);
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

async function status(server: RunningServer) {
  const response = await fetch(`${server.url}/api/status`);
  return await response.json();
}

const CASES = [
  // Out for longer than a silent session is kept (8 s): only the server's word keeps it.
  { name: "the gstreamer engine", server: ["--webrtc-engine", "gstreamer"], client: [], outageMs: 9000 },
  {
    name: "the werift engine",
    server: ["--webrtc-engine", "werift"],
    client: ["--webrtc-engine", "werift"],
    outageMs: 9000,
  },
  { name: "the RTP transport", server: [], client: [], outageMs: 2000, rtp: true },
];

for (const test of CASES) {
  Deno.test(`rov-server on ${test.name} keeps its viewer through a source that fails and returns; the picture is back within 1 s`, async () => {
    const dir = await Deno.makeTempDir();
    const socket = `${dir}/camera`;
    const stats = `${dir}/stats.jsonl`;
    let camera = startCamera(socket);
    await waitForSocket(socket);
    const rtp = test.rtp ? rtpArgs(freeRtpPort()) : [];
    const server = await startServer([
      "--source",
      "pipeline",
      "--pipeline",
      `shmsrc socket-path=${socket} is-live=true do-timestamp=true ! ${CAPS}`,
      "--width",
      String(SIZE.width),
      "--height",
      String(SIZE.height),
      ...rtp,
      ...test.server,
    ]);
    const client = start(CLIENT, [...viewerArgs(server, "--stats-json", stats, ...test.client), ...rtp]);
    try {
      await client.stdout.wait(/frames [1-9]\d/, 20_000);
      const viewersBefore = test.rtp ? [] : (await status(server)).viewers.map((v: { id: string }) => v.id);
      camera.kill("SIGKILL");
      await camera.status;
      await server.stderr.wait(/source failed: .*retrying every 0\.5 s/, 5000);
      const lost = await status(server);
      assertEquals(lost.sourceFaults.state, "lost");
      await new Promise((resolve) => setTimeout(resolve, test.outageMs));
      camera = startCamera(socket);
      const back = await waitForSocket(socket);
      const first = await waitFor("No frame after the source returned", async () => {
        return (await frameTimes(stats)).find((at) => at > back);
      }, 5000);
      console.log(`${test.name}: picture ${(first - back).toFixed(0)} ms after the source returned`);
      assert(first - back < 1000, `picture ${(first - back).toFixed(0)} ms after the source returned`);
      await server.stderr.wait(/source is back after/, 2000);
      const after = await status(server);
      assertEquals(after.sourceFaults.state, "live");
      assertEquals(after.sourceFaults.failures, 1, server.stderr.text);
      if (!test.rtp) {
        // The same session, not a new one.
        assertEquals(
          after.viewers.map((v: { id: string }) => v.id),
          viewersBefore,
          client.stderr.text + server.stderr.text,
        );
        assert(!/Reconnecting/.test(client.stderr.text), client.stderr.text);
      }
      // One line when the source failed and one when it came back, not one per retry.
      assertEquals(server.stderr.text.match(/source failed/g)?.length, 1, server.stderr.text);
    } finally {
      camera.kill("SIGKILL");
      await camera.status;
      assertEquals(await client.stop(), 0, client.stderr.text);
      assertEquals(await server.stop(), 0, server.stderr.text);
      await Deno.remove(dir, { recursive: true });
    }
  });
}
