/** `deno task check` is clean: formatting, lint and strict type-checking of every module. */
import { assertEquals } from "./support/assert.ts";

const root = new URL("../", import.meta.url).pathname;

for (
  const args of [["fmt", "--check"], ["lint"], ["check", "server.ts", "client.ts", "scripts/", "tests/"]]
) {
  Deno.test(`deno ${args[0]} reports nothing`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: root,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    assertEquals(out.code, 0, text);
  });
}
