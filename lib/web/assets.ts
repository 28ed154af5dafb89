/**
 * Files the programs serve, found next to this module: in a checkout they are read from lib/web/, in
 * a compiled binary from its embedded copy (`deno compile --include`, see lib/build/compile_plan.ts),
 * whatever the working directory.
 */

/** Every file the programs load at run time, relative to the repository root. */
export const ASSETS = ["lib/web/viewer.html"] as const;

/** The browser viewer (WHEP) the server shows at `/`. */
export function viewerPage(): Promise<string> {
  return Deno.readTextFile(new URL("./viewer.html", import.meta.url));
}
