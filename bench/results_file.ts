/**
 * bench/RESULTS.md holds two parts measured apart: the latency report (`deno task bench`) and the
 * Faults section (`deno task bench --faults`). Each run rewrites its own part and keeps the other.
 */
export const FAULTS_HEADING = "## Faults";

/** Writes `text` as the `part` of the results file `out`, keeping the other part as it was. */
export async function writeResultsPart(out: string, part: "report" | "faults", text: string): Promise<void> {
  const current = await Deno.readTextFile(out).catch(() => "");
  const at = current.indexOf(FAULTS_HEADING);
  const report = part === "report" ? text : at < 0 ? current : current.slice(0, at);
  const faults = part === "faults" ? text : at < 0 ? "" : current.slice(at);
  await Deno.writeTextFile(out, faults ? `${report.trimEnd()}\n\n${faults}` : report);
}
