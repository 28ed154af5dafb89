/**
 * Reads the "Embedded Files" tree `deno compile` prints into paths relative to the project root.
 * A directory printed as `web/*` had every file in it embedded; the path keeps the `/*`.
 */
export function embeddedPaths(listing: string): string[] {
  const lines = listing.split("\n");
  const start = lines.findIndex((l) => l.trim() === "Embedded Files");
  const paths: string[] = [];
  const stack: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^((?:[│ ] )*)[├└]─([─┬]) (.+?) \([\d.]+[KMG]?B.*\)$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 2;
    stack.length = depth;
    stack.push(match[3]);
    if (match[2] === "─") paths.push(stack.join("/"));
  }
  return paths;
}

/** Whether `file` (e.g. lib/web/viewer.html) is in the listing, by itself or as part of a whole folder. */
export function isEmbedded(paths: string[], file: string): boolean {
  return paths.some((p) =>
    p === file || (p.endsWith("/*") && file.startsWith(p.slice(0, -1)) &&
      !file.slice(p.length - 1).includes("/"))
  );
}
