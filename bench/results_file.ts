/**
 * bench/RESULTS.md holds parts measured apart: the latency report (`deno task bench`), the Faults
 * section (`deno task bench --faults`) and the Scale-out section (`deno task bench --viewers`). Each
 * run rewrites its own part and keeps the others, in that order.
 */
export const FAULTS_HEADING = "## Faults";
export const SCALE_OUT_HEADING = "## Scale-out";

export type ResultsPart = "report" | "faults" | "scale-out";

/** Each part after the report begins at its heading. */
const HEADINGS: [ResultsPart, string][] = [["faults", FAULTS_HEADING], ["scale-out", SCALE_OUT_HEADING]];

/** The parts of `text`: the report is all before the first heading. */
function splitParts(text: string): Map<ResultsPart, string> {
  const starts = HEADINGS.map(([part, heading]) => ({ part, at: text.indexOf(`\n${heading}\n`) }))
    .filter((s) => s.at >= 0)
    .map((s) => ({ ...s, at: s.at + 1 }))
    .toSorted((a, b) => a.at - b.at);
  if (text.startsWith(`${FAULTS_HEADING}\n`)) starts.unshift({ part: "faults", at: 0 });
  const parts = new Map<ResultsPart, string>();
  parts.set("report", text.slice(0, starts[0]?.at ?? text.length));
  starts.forEach((s, i) => parts.set(s.part, text.slice(s.at, starts[i + 1]?.at ?? text.length)));
  return parts;
}

/** Writes `text` as the `part` of the results file `out`, keeping the other parts as they were. */
export async function writeResultsPart(out: string, part: ResultsPart, text: string): Promise<void> {
  const parts = splitParts(await Deno.readTextFile(out).catch(() => ""));
  parts.set(part, text);
  const order: ResultsPart[] = ["report", "faults", "scale-out"];
  const [report, ...rest] = order.map((p) => (parts.get(p) ?? "").trimEnd());
  const written = rest.filter((t) => t !== "");
  await Deno.writeTextFile(out, written.length ? `${[report, ...written].join("\n\n")}\n` : `${report}\n`);
}
