/**
 * `deno task compile`: rov-server and rov-client for this machine, into dist/.
 * `deno task compile:all`: both for every release target, plus dist/SHA256SUMS.
 * Usage: deno run -A scripts/compile.ts [--all | --target TRIPLE] [--out DIR]
 * Writes lib/build/build_info.json (commit, date, target) for --version while compiling, then puts
 * it back. `deno compile` downloads its base binary (denort) from dl.deno.land unless DENORT_BIN is
 * set; without that host the build fails with one line saying so.
 */
import { parseArgs } from "node:util";
import { runMain } from "../lib/cli/run_main.ts";
import { CliError } from "../lib/cli/cli_error.ts";
import {
  compileArgs,
  describeCompileFailure,
  hostTarget,
  outputPath,
  PROGRAMS,
  type Target,
  TARGETS,
} from "../lib/build/compile_plan.ts";
import type { BuildInfo } from "../lib/version.ts";

const HELP = `compile: rov-server and rov-client as standalone executables, into dist/

Usage: deno task compile                 this machine's target
       deno task compile:all             every release target, plus dist/SHA256SUMS
       deno run -A scripts/compile.ts [--all | --target TRIPLE] [--out DIR]

Targets: ${TARGETS.map((t) => t.triple).join(", ")}
deno compile downloads its base binary (denort) from dl.deno.land, or uses DENORT_BIN when set.`;

const ROOT = new URL("../", import.meta.url);
const BUILD_INFO = new URL("lib/build/build_info.json", ROOT);

async function commit(): Promise<string> {
  const fromCi = Deno.env.get("GITHUB_SHA");
  if (fromCi) return fromCi.slice(0, 12);
  const git = await new Deno.Command("git", {
    args: ["rev-parse", "--short=12", "HEAD"],
    cwd: ROOT,
    stderr: "null",
  })
    .output().catch(() => undefined);
  return git?.success ? new TextDecoder().decode(git.stdout).trim() : "unknown";
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function compileOne(program: (typeof PROGRAMS)[number]["name"], target: Target, outDir: string) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: compileArgs(program, target, { outDir }),
    cwd: ROOT,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(describeCompileFailure(new TextDecoder().decode(output.stderr), { program, target }));
  }
}

/** --target TRIPLE, or this machine's target. */
function chosenTarget(triple: string | undefined): Target {
  if (triple === undefined) {
    const host = hostTarget();
    if (!host) throw new CliError(`deno compile has no target for ${Deno.build.target}: use --target`);
    return host;
  }
  const target = TARGETS.find((t) => t.triple === triple);
  if (!target) {
    throw new CliError(
      `Unknown --target ${triple}: expected one of ${TARGETS.map((t) => t.triple).join(", ")}`,
    );
  }
  return target;
}

async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        all: { type: "boolean" },
        target: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const targets = values.all ? TARGETS : [chosenTarget(values.target)];
  const outDir = values.out ?? "dist";
  await Deno.mkdir(new URL(outDir + "/", ROOT), { recursive: true });
  const original = await Deno.readTextFile(BUILD_INFO);
  const sums: string[] = [];
  const jobs = targets.flatMap((target) => PROGRAMS.map((p) => ({ program: p.name, target })));
  const built = { commit: await commit(), date: new Date().toISOString().slice(0, 10) };
  try {
    for (const [index, { program, target }] of jobs.entries()) {
      const info: BuildInfo = { ...built, target: target.triple };
      await Deno.writeTextFile(BUILD_INFO, JSON.stringify(info) + "\n");
      const path = outputPath(program, target, { outDir });
      console.log(`[${index + 1}/${jobs.length}] ${program} for ${target.triple} → ${path}`);
      await compileOne(program, target, outDir);
      sums.push(`${await sha256(new URL(path, ROOT).pathname)}  ${path.split("/").pop()}`);
    }
  } finally {
    await Deno.writeTextFile(BUILD_INFO, original);
  }
  if (values.all) {
    await Deno.writeTextFile(new URL(`${outDir}/SHA256SUMS`, ROOT), sums.join("\n") + "\n");
    console.log(`Checksums in ${outDir}/SHA256SUMS`);
  }
  return 0;
}

if (import.meta.main) await runMain("compile", () => main(Deno.args));
