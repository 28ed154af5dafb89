/**
 * The demo: rov-server with the moving test pattern and rov-client finding it by discovery, both on
 * this machine and on loopback only. Without a display the client runs headless with its status line.
 * Ends on Q/Esc in the window or Ctrl+C.
 */
import { freeUdpPort } from "../lib/free_port.ts";
import { RUN_FLAGS } from "../lib/permissions.ts";

const root = new URL("../", import.meta.url).pathname;

const discovery = String(freeUdpPort());
const env = { DENO_NO_UPDATE_CHECK: "1" };
// Loopback only: the server binds 127.0.0.1, so its beacons stay on loopback too.
const server = new Deno.Command(Deno.execPath(), {
  args: [
    ...RUN_FLAGS,
    `${root}server.ts`,
    "--source",
    "test",
    "--width",
    "1280",
    "--height",
    "720",
    "--host",
    "127.0.0.1",
    "--signal-port",
    "0",
    "--discovery-port",
    discovery,
    "--name",
    "demo",
  ],
  stdout: "inherit",
  stderr: "piped",
  stdin: "null",
  env,
}).spawn();

// Relay the server's log, and learn when it is up.
const ready = Promise.withResolvers<void>();
void (async () => {
  let seen = "";
  for await (const chunk of server.stderr.pipeThrough(new TextDecoderStream())) {
    await Deno.stderr.write(new TextEncoder().encode(chunk));
    seen += chunk;
    if (seen.includes("signalling http")) ready.resolve();
  }
  ready.reject(new Error("rov-server stopped before it was ready"));
})();
const ignore = () => {};
Deno.addSignalListener("SIGINT", ignore); // Ctrl+C reaches both children; the demo waits for them.
try {
  await ready.promise;
  if (!Deno.env.get("DISPLAY") && !Deno.env.get("WAYLAND_DISPLAY")) {
    console.error("demo: no display here, so the client runs headless: watch its status line (Ctrl+C ends)");
  }
  const client = new Deno.Command(Deno.execPath(), {
    args: [
      ...RUN_FLAGS,
      `${root}client.ts`,
      "--auto",
      "--discovery-port",
      discovery,
      "--discovery-address",
      "127.255.255.255",
      ...Deno.args,
    ],
    stdin: "null",
    env,
  }).spawn();
  const { code } = await client.status;
  try {
    server.kill("SIGINT");
  } catch {
    // already gone (Ctrl+C)
  }
  await server.status;
  Deno.exit(code);
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : error}`);
  Deno.exit(1);
}
