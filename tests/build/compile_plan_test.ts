import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  compileArgs,
  describeCompileFailure,
  hostTarget,
  outputPath,
  PROGRAMS,
  TARGETS,
} from "../../lib/build/compile_plan.ts";
import { ASSETS } from "../../lib/web/assets.ts";

Deno.test("TARGETS cover x86_64 and aarch64 Linux, x86_64 Windows, x86_64 and aarch64 macOS", () => {
  assertEquals(TARGETS.map((t) => t.triple).sort(), [
    "aarch64-apple-darwin",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "x86_64-unknown-linux-gnu",
  ]);
  const windows = TARGETS.find((t) => t.triple.includes("windows"))!;
  assertEquals(outputPath("rov-server", windows, { outDir: "dist" }), "dist/rov-server-windows-x86_64.exe");
  assertEquals(hostTarget({ os: "linux", arch: "aarch64" })?.triple, "aarch64-unknown-linux-gnu");
  assertEquals(hostTarget({ os: "darwin", arch: "x86_64" })?.triple, "x86_64-apple-darwin");
  assertEquals(hostTarget({ os: "freebsd", arch: "x86_64" }), undefined);
});

Deno.test("compileArgs bakes in narrow permissions and embeds every asset, for each program and target", () => {
  for (const program of PROGRAMS) {
    for (const target of TARGETS) {
      const args = compileArgs(program.name, target, { outDir: "dist" });
      assertEquals(args[0], "compile");
      assertEquals(args.at(-1), program.entry);
      assert(!args.some((a) => a === "-A" || a === "--allow-all" || a === "--allow-run"), args.join(" "));
      for (const flag of ["--allow-ffi", "--allow-net", "--unstable-net"]) assert(args.includes(flag), flag);
      assert(args.includes("--allow-sys=hostname,networkInterfaces"), "sys narrowed to what is used");
      for (const asset of ASSETS) assert(args.join(" ").includes(`--include ${asset}`), asset);
      assertEquals(args[args.indexOf("--target") + 1], target.triple);
      assertEquals(args[args.indexOf("--output") + 1], outputPath(program.name, target, { outDir: "dist" }));
    }
  }
});

Deno.test("describeCompileFailure says in one line that the base binary could not be downloaded", () => {
  const target = TARGETS[0];
  const stderr = `Compile client.ts to x
Download https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
error: Writing deno compile executable to temporary file 'x.tmp'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error
    4: failed to lookup address information: Name or service not known`;
  const line = describeCompileFailure(stderr, { program: "rov-client", target });
  assert(!line.includes("\n"));
  assertMatch(
    line,
    /^Cannot compile rov-client for x86_64-unknown-linux-gnu: the Deno runtime it is built on could not be downloaded from https:\/\/dl\.deno\.land\/release\/v2\.9\.6\/denort-x86_64-unknown-linux-gnu\.zip \(dns error\); .*DENORT_BIN/,
  );
  assertEquals(
    describeCompileFailure('error: Module not found "file:///x/server.ts".\n  at foo', {
      program: "rov-server",
      target,
    }),
    'Cannot compile rov-server for x86_64-unknown-linux-gnu: Module not found "file:///x/server.ts".',
  );
  // A stand-in base binary of the wrong kind (DENORT_BIN = a Linux deno for a Windows target).
  assertEquals(
    describeCompileFailure(
      "error: Writing deno compile executable to temporary file 'x.tmp'\n\nCaused by:\n" +
        "    0: Writing binary bytes\n    1: Invalid object: Failed to parse PE\n\nStack backtrace:\n   0: <unknown>",
      { program: "rov-server", target: TARGETS.find((t) => t.exe === ".exe")! },
    ),
    "Cannot compile rov-server for x86_64-pc-windows-msvc: Writing deno compile executable to temporary " +
      "file 'x.tmp' (Invalid object: Failed to parse PE)",
  );
});
