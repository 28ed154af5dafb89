/**
 * deno compile as the release does it. The base binary (denort) cannot be downloaded here, so the plain
 * deno binary stands in (DENORT_BIN): the executables then run Deno's own CLI, but the module graph,
 * the embedded files and the compile script are all real.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { compileArgs, hostTarget, outputPath, PROGRAMS } from "../../lib/build/compile_plan.ts";
import { ASSETS } from "../../lib/web/assets.ts";
import { embeddedPaths, isEmbedded } from "../support/embedded_listing.ts";
import { freeTcpPort } from "../support/processes.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = `${ROOT}scripts/compile.ts`;
const BUILD_INFO = `${ROOT}lib/build/build_info.json`;
const env = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };

async function run(args: string[], extraEnv: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("deno compile embeds every asset the programs load, for rov-server and rov-client", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const program of PROGRAMS) {
      const result = await run(compileArgs(program.name, hostTarget()!, { outDir: dir }), {
        DENORT_BIN: Deno.execPath(),
      });
      assertEquals(result.code, 0, result.stderr);
      const paths = embeddedPaths(result.stdout + result.stderr);
      assert(paths.includes(program.entry), `${program.entry} in ${paths.join(", ")}`);
      for (const asset of [...ASSETS, "lib/build/build_info.json"]) {
        assert(isEmbedded(paths, asset), `${asset} is not embedded in ${program.name}: ${paths.join(", ")}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scripts/compile.ts builds both programs into the output folder and puts build info back", async () => {
  const dir = await Deno.makeTempDir();
  const before = await Deno.readTextFile(BUILD_INFO);
  try {
    const result = await run(["run", "-A", SCRIPT, "--out", dir], { DENORT_BIN: Deno.execPath() });
    assertEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /\[1\/2\] rov-server for .*\n\[2\/2\] rov-client for /);
    for (const program of PROGRAMS) {
      const info = await Deno.stat(outputPath(program.name, hostTarget()!, { outDir: dir }));
      assert(info.isFile && info.size > 1_000_000, `${program.name}: ${info.size} bytes`);
    }
    assertEquals(await Deno.readTextFile(BUILD_INFO), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scripts/compile.ts fails in one line when the Deno runtime cannot be downloaded", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A proxy on a closed loopback port: the download fails at once, and nothing leaves the machine.
    const proxy = `http://127.0.0.1:${freeTcpPort()}`;
    const result = await run(["run", "-A", SCRIPT, "--out", dir], { HTTPS_PROXY: proxy, HTTP_PROXY: proxy });
    assertEquals(result.code, 1, result.stderr);
    assertMatch(
      result.stderr,
      /^compile: Cannot compile rov-server for \S+: the Deno runtime it is built on could not be downloaded from https:\/\/dl\.deno\.land\/\S+denort-\S+\.zip \(Connection refused\); .*DENORT_BIN.*\n$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
