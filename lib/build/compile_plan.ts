/**
 * What `deno task compile` builds: each program for each target, with the permissions it runs with
 * baked in (never --allow-all) and every run-time asset embedded. Pure: `scripts/compile.ts` runs it.
 */
import { PERMISSION_FLAGS, V8_FLAGS } from "../permissions.ts";
import { ASSETS } from "../web/assets.ts";

export interface Target {
  /** Deno's --target triple. */
  triple: string;
  /** The suffix of the release file names: rov-server-<label>[.exe]. */
  label: string;
  exe: "" | ".exe";
}

/** Every platform a release carries: ARM Linux too, since ROV computers are often ARM boards. */
export const TARGETS: readonly Target[] = [
  { triple: "x86_64-unknown-linux-gnu", label: "linux-x86_64", exe: "" },
  { triple: "aarch64-unknown-linux-gnu", label: "linux-aarch64", exe: "" },
  { triple: "x86_64-pc-windows-msvc", label: "windows-x86_64", exe: ".exe" },
  { triple: "x86_64-apple-darwin", label: "macos-x86_64", exe: "" },
  { triple: "aarch64-apple-darwin", label: "macos-aarch64", exe: "" },
];

export const PROGRAMS = [
  { name: "rov-server", entry: "server.ts" },
  { name: "rov-client", entry: "client.ts" },
] as const;

export type ProgramName = (typeof PROGRAMS)[number]["name"];

/** The target this machine is, or undefined when Deno cannot compile for it. */
export function hostTarget(build: { os: string; arch: string } = Deno.build): Target | undefined {
  const os = build.os === "darwin" ? "macos" : build.os;
  return TARGETS.find((t) => t.label === `${os}-${build.arch}`);
}

/** The executable's path under `outDir`. */
export function outputPath(program: ProgramName, target: Target, options: { outDir: string }): string {
  return `${options.outDir}/${program}-${target.label}${target.exe}`;
}

/** The arguments of `deno compile` for one program and target. */
export function compileArgs(program: ProgramName, target: Target, options: { outDir: string }): string[] {
  const entry = PROGRAMS.find((p) => p.name === program)!.entry;
  return [
    "compile",
    ...V8_FLAGS,
    ...PERMISSION_FLAGS,
    // Nothing is fetched at run time: every file the program reads is inside the executable.
    ...ASSETS.flatMap((asset) => ["--include", asset]),
    "--target",
    target.triple,
    "--output",
    outputPath(program, target, options),
    entry,
  ];
}

/**
 * One line for a failed `deno compile`: most often the base binary (denort) could not be downloaded,
 * which is the case on machines without access to dl.deno.land.
 */
export function describeCompileFailure(
  stderr: string,
  job: { program: ProgramName; target: Target },
): string {
  const what = `Cannot compile ${job.program} for ${job.target.triple}`;
  // Only a failed request counts: the "Download <url>" line is printed before every first compile.
  const download = /error sending request for url \((\S*denort\S*?)\)/.exec(stderr);
  if (download) {
    const cause = /(dns error|Connection refused|timed out|certificate|Network is unreachable)/i
      .exec(stderr)?.[1];
    return `${what}: the Deno runtime it is built on could not be downloaded from ${download[1]}` +
      `${cause ? ` (${cause})` : ""}; compile on a machine that can reach dl.deno.land, ` +
      `or set DENORT_BIN to a denort binary for that target`;
  }
  const lines = stderr.split("\n").map((l) => l.trim());
  const line = lines.find((l) => /^error:/i.test(l))?.replace(/^error:\s*/i, "") ?? "deno compile failed";
  // "Caused by:" lists causes outermost first; the innermost one says what actually went wrong.
  const from = lines.indexOf("Caused by:") + 1;
  const to = lines.indexOf("", from);
  const causes = from === 0
    ? []
    : lines.slice(from, to === -1 ? undefined : to).map((l) => l.replace(/^\d+: /, ""));
  return `${what}: ${line}${causes.length > 0 ? ` (${causes.at(-1)})` : ""}`;
}
