/** `deno task bench --quick` runs to the end here and reports every contender with real figures. */
import { assert, assertEquals, assertMatch } from "./support/assert.ts";
import { interleaved, type Result } from "../bench/contenders.ts";

Deno.test("the quick latency benchmark measures every contender and writes its report", async () => {
  const out = await Deno.makeTempFile({ suffix: ".md" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../bench/latency.ts", import.meta.url).pathname, "--quick", "--out", out],
      stdout: "piped",
      stderr: "piped",
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      signal: AbortSignal.timeout(240_000),
    }).output();
    const progress = new TextDecoder().decode(run.stderr);
    assertEquals(run.code, 0, progress);
    assertMatch(progress, /\(a\) rov-stream WebRTC, gstreamer engine: running/, "progress is shown");
    const report = await Deno.readTextFile(out);
    for (
      const name of [
        "(c) native GStreamer baseline",
        "(a) rov-stream WebRTC, gstreamer engine",
        "(a) rov-stream WebRTC, werift engine",
        "(b) rov-stream RTP",
        "(d) aiortc",
      ]
    ) {
      const row = report.split("\n").find((line) => line.startsWith(`| ${name}`));
      assert(row, `a row for ${name}`);
      const p50 = Number(row.split("|")[2]);
      assert(p50 > 0 && p50 < 1000, `${name} measured a p50 (${row})`);
    }
    // Chromium sometimes gets no media on loopback (an open problem, see docs/latency.md): its row
    // must then say why rather than show numbers.
    const chromium = report.split("\n").find((line) => line.startsWith("| (e) Chromium over WHEP"));
    assert(chromium, "a row for Chromium");
    const p50 = Number(chromium.split("|")[2]);
    assert((p50 > 0 && p50 < 1000) || /Chromium received no frames|Error/.test(chromium), chromium);
    assertMatch(report, /## Budgets/);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("writeResultsPart rewrites one part of the results file and keeps the others, in order", async () => {
  const { writeResultsPart } = await import("../bench/results_file.ts");
  const out = await Deno.makeTempFile({ suffix: ".md" });
  try {
    await writeResultsPart(out, "faults", "## Faults\n\nfirst\n");
    assertEquals(await Deno.readTextFile(out), "\n\n## Faults\n\nfirst\n");
    await writeResultsPart(out, "report", "# Report\n\nlatency\n");
    assertEquals(await Deno.readTextFile(out), "# Report\n\nlatency\n\n## Faults\n\nfirst\n");
    await writeResultsPart(out, "scale-out", "## Scale-out\n\nviewers\n");
    await writeResultsPart(out, "faults", "## Faults\n\nsecond\n");
    assertEquals(
      await Deno.readTextFile(out),
      "# Report\n\nlatency\n\n## Faults\n\nsecond\n\n## Scale-out\n\nviewers\n",
    );
    await writeResultsPart(out, "report", "# Report\n\nagain\n");
    assertEquals(
      await Deno.readTextFile(out),
      "# Report\n\nagain\n\n## Faults\n\nsecond\n\n## Scale-out\n\nviewers\n",
    );
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("interleaved runs each contender once per round, in order, and pools their rounds", async () => {
  const order: string[] = [];
  const run = (name: string, latency: number, cpu: number) => () => {
    order.push(name);
    return Promise.resolve<Result>({
      name,
      latencies: [latency, latency + 1],
      cpu: { server: cpu },
      firstFrameMs: latency,
    });
  };
  let second = 0;
  const { pooled, byRound } = await interleaved([
    ["a", () => run("a", 10 + second++ * 10, 40 + second * 10)()],
    ["b", run("b", 5, 20)],
    ["c", () => Promise.reject(new Error("Cannot start c: no such thing"))],
  ], 3);
  assertEquals(order, ["a", "b", "a", "b", "a", "b"]);
  assertEquals(byRound.map((runs) => runs.length), [3, 3, 3]);
  assertEquals(pooled[0].latencies, [10, 11, 20, 21, 30, 31]);
  assertEquals(pooled[0].cpu.server, 60); // the mean of 50, 60 and 70
  assertEquals(pooled[0].firstFrameMs, 20); // the median round
  assertEquals(pooled[2].latencies, []);
  assertEquals(pooled[2].note, "Error: Cannot start c: no such thing");
});
