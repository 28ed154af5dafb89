/**
 * Version and build information for --version. `deno task compile` writes lib/build/build_info.json
 * (commit, date, target) before compiling and restores it after; source runs say "dev".
 */
import buildInfo from "./build/build_info.json" with { type: "json" };

export const VERSION = "0.1.0";

export interface BuildInfo {
  commit: string;
  /** ISO date of the build; null when run from source. */
  date: string | null;
  /** The `deno compile` target; null when run from source. */
  target: string | null;
}

export const BUILD_INFO: BuildInfo = buildInfo;

export function versionText(program: string, info: BuildInfo = BUILD_INFO): string {
  const build = info.target
    ? `built ${info.date ?? "?"} from ${info.commit} for ${info.target}`
    : `from source, ${info.commit}`;
  return `${program} ${VERSION} (${build}; Deno ${Deno.version.deno}, ${Deno.build.os} ${Deno.build.arch})`;
}
