/**
 * First run on a machine without GStreamer, as a downloaded executable meets it: libgstreamer is
 * hidden in a private mount namespace (bind-mounting /dev/null over it), so loading it fails for real.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { CLIENT, freeRtpPort, freeTcpPort, rtpArgs, SERVER, start } from "../support/processes.ts";
import { requiredPlugins } from "../../lib/media/plugins.ts";

async function gstreamerLibrary(): Promise<string> {
  const out = await new Deno.Command("ldconfig", { args: ["-p"], stdout: "piped" }).output();
  const line = new TextDecoder().decode(out.stdout).split("\n").find((l) =>
    l.includes("libgstreamer-1.0.so.0 ")
  );
  return line!.split("=> ")[1].trim();
}

for (
  const [program, script, args, transport] of [
    // Free ports throughout, though no socket should open before GStreamer loads.
    ["rov-server", SERVER, ["--host", "127.0.0.1", "--signal-port", "0", "--no-discovery"], "webrtc"],
    [
      "rov-server",
      SERVER,
      [...rtpArgs(freeRtpPort()), "--host", "127.0.0.1", "--signal-port", "0", "--no-discovery"],
      "rtp",
    ],
    [
      "rov-client",
      CLIENT,
      ["--host", "127.0.0.1", "--signal-port", String(freeTcpPort()), "--headless"],
      "webrtc",
    ],
  ] as const
) {
  Deno.test(`${program} --transport ${transport} without GStreamer names the installer and the plugins in one line`, async () => {
    const library = await gstreamerLibrary();
    const hide = ["unshare", "--mount", "sh", "-c", `mount --bind /dev/null ${library} && exec "$0" "$@"`];
    const run = start(script, [...args], { wrap: hide });
    const { code } = await run.child.status;
    await Promise.all([run.stdout.done, run.stderr.done]);
    const stderr = run.stderr.text;
    assertEquals(code, 1, stderr);
    assertEquals(stderr.split("\n").length, 2, `one line:\n${stderr}`);
    assertMatch(
      stderr,
      new RegExp(`^${program}: Cannot load GStreamer: tried libgstreamer-1\\.0\\.so\\.0 \\(`),
    );
    assertMatch(stderr, /sudo apt-get install gstreamer1\.0-tools .*\(Fedora: sudo dnf install /);
    const plugins = requiredPlugins(program, { transport, os: "linux" }).join(", ");
    assert(
      stderr.includes(`${program} --transport ${transport} needs the GStreamer plugins ${plugins}\n`),
      stderr,
    );
  });
}
