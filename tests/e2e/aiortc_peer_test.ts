/** End to end against an independent WebRTC stack: aiortc (Debian's python3-aiortc) views a real rov-server. */
import assert from "node:assert/strict";
import { startServer } from "../support/processes.ts";

const PYTHON = "/usr/bin/python3";
const VIEWER = new URL("../peers/aiortc_viewer.py", import.meta.url).pathname;
const VIEWER_TIMEOUT_S = 30;
const KILL_AFTER_MS = (VIEWER_TIMEOUT_S + 15) * 1000;

for (const engine of ["gstreamer", "werift"] as const) {
  Deno.test(`aiortc viewer negotiates via POST /offer and decodes frames (${engine} engine)`, async () => {
    const server = await startServer(["--webrtc-engine", engine]);
    let serverCode: number;
    try {
      const viewer = new Deno.Command(PYTHON, {
        args: [
          VIEWER,
          "--url",
          `${server.url}/offer`,
          "--frames",
          "30",
          "--timeout",
          String(VIEWER_TIMEOUT_S),
        ],
        stdout: "piped",
        stderr: "piped",
        stdin: "null",
      }).spawn();
      const timer = setTimeout(() => {
        try {
          viewer.kill("SIGKILL");
        } catch {
          // already exited
        }
      }, KILL_AFTER_MS);
      let output: Deno.CommandOutput;
      try {
        output = await viewer.output();
      } finally {
        clearTimeout(timer);
      }
      const stdout = new TextDecoder().decode(output.stdout);
      const stderr = new TextDecoder().decode(output.stderr);
      const context =
        `viewer stdout:\n${stdout}\nviewer stderr:\n${stderr}\nserver stderr:\n${server.stderr.text}`;
      assert.equal(output.code, 0, `aiortc viewer exited ${output.code}\n${context}`);

      const line = stdout.trim().split("\n").at(-1) ?? "";
      const result = JSON.parse(line) as { frames: number; width: number; height: number };
      assert.ok(result.frames >= 30, `expected >= 30 frames, got ${result.frames}\n${context}`);
      assert.equal(result.width, 640, context);
      assert.equal(result.height, 360, context);
      assert.match(server.stderr.text, /joined via \/offer/);
      // aiortc has closed its connection: the server notices the silent viewer and stops sending.
      await server.stderr.wait(/Viewer \w+ left \(0 watching\)/, 12_000);
      const status = await (await fetch(`${server.url}/api/status`)).json();
      assert.equal(status.viewers.length, 0);
    } finally {
      // Stops the server even when an assertion above failed (that failure is the one reported).
      serverCode = await server.stop();
    }
    assert.equal(serverCode, 0, `rov-server exited ${serverCode} on SIGINT\n${server.stderr.text}`);
  });
}
