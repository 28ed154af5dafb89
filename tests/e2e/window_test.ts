/** The client's window on a real (virtual) X display: it shows the video, and Q or Esc closes it. */
import { assert, assertEquals } from "../support/assert.ts";
import { CLIENT, start, startServer } from "../support/processes.ts";
import { screenContrast, startXvfb, x } from "../support/xvfb.ts";

for (const key of ["q", "Escape"]) {
  Deno.test(`rov-client shows the video in a window and ${key} closes it`, async () => {
    await using display = await startXvfb();
    const server = await startServer();
    try {
      const client = start(CLIENT, ["--host", "127.0.0.1", "--signal-port", String(server.port)], {
        env: { DISPLAY: display.name },
      });
      try {
        await client.stderr.wait(/First frame 640x360/);
        await new Promise((r) => setTimeout(r, 1000));
        // SMPTE bars are far from a flat (black) window.
        const contrast = await screenContrast(display.name, 640, 360);
        assert(contrast > 30, `the window shows the picture (grey-level deviation ${contrast.toFixed(1)})`);
        const window =
          (await x(display.name, "xdotool", "search", "--class", "GStreamer")).trim().split("\n")[0];
        await x(display.name, "xdotool", "windowfocus", window);
        await x(display.name, "xdotool", "mousemove", "100", "100");
        await x(display.name, "xdotool", "key", key);
        const exited = await Promise.race([
          client.child.status,
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000)),
        ]);
        assertEquals(exited?.code, 0, `the client exits 0 on ${key}: ${client.stderr.text}`);
      } finally {
        await client.stop();
      }
    } finally {
      await server.stop();
    }
  });
}

Deno.test("rov-client keeps its window through a server restart, with a banner on the frozen picture, and plays again", async () => {
  await using display = await startXvfb();
  const first = await startServer();
  let second: Awaited<ReturnType<typeof startServer>> | undefined;
  const client = start(CLIENT, ["--host", "127.0.0.1", "--signal-port", String(first.port), "--verbose"], {
    env: { DISPLAY: display.name },
  });
  try {
    await client.stderr.wait(/First frame 640x360/);
    first.child.kill("SIGKILL");
    await first.child.status;
    await client.stderr.wait(/Reconnecting: /, 10_000);
    // The banner's still is drawn twice a second while the picture is frozen.
    await new Promise((r) => setTimeout(r, 1500));
    assert(!/GStreamer error|not-negotiated/i.test(client.stderr.text), client.stderr.text);
    second = await startServer(["--signal-port", String(first.port)]);
    await client.stderr.wait(/Picture back/, 10_000);
    const contrast = await screenContrast(display.name, 640, 360);
    assert(contrast > 30, `the window shows the picture again (grey-level deviation ${contrast.toFixed(1)})`);
  } finally {
    assertEquals(await client.stop(), 0, client.stderr.text);
    await Promise.all([first.stdout.done, first.stderr.done]);
    if (second) await second.stop();
  }
});
