/** Version and build information for --version. */
export const VERSION = "0.1.0";

export function versionText(program: string): string {
  return `${program} ${VERSION} (Deno ${Deno.version.deno}, ${Deno.build.os} ${Deno.build.arch})`;
}
