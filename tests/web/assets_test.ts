import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { ASSETS, viewerPage } from "../../lib/web/assets.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("viewerPage reads the page next to its module, whatever the working directory", async () => {
  const module = new URL("lib/web/assets.ts", ROOT).href;
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const { viewerPage } = await import("${module}"); console.log((await viewerPage()).length);`,
    ],
    cwd: "/",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  assertEquals(Number(new TextDecoder().decode(output.stdout)), (await viewerPage()).length);
  assertMatch(await viewerPage(), /<video id="video"/);
});

async function* sources(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sources(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

Deno.test("the programs load files only through import.meta paths, and each one is in ASSETS", async () => {
  const files = [new URL("server.ts", ROOT), new URL("client.ts", ROOT)];
  for await (const file of sources(new URL("lib/", ROOT))) files.push(file);
  const referenced: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    // A literal path would be read from the working directory, not from the executable.
    assert(
      !/Deno\.(readTextFile|readFile|open|readDir)\(\s*["'`]/.test(text),
      `${file.pathname} reads a literal path`,
    );
    for (const match of text.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
      referenced.push(new URL(match[1], file).pathname.slice(ROOT.pathname.length));
    }
  }
  assert(referenced.length > 0);
  for (const path of referenced) {
    assert((ASSETS as readonly string[]).includes(path), `${path} is not in ASSETS`);
  }
  for (const asset of ASSETS) assert((await Deno.stat(new URL(asset, ROOT))).isFile, asset);
});
