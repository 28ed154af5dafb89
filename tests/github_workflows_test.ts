/** The GitHub workflows parse, and each job has what it needs; actions are pinned to commits. */
import { parse } from "yaml";
import { assert, assertEquals } from "./support/assert.ts";
import { TARGETS } from "../lib/build/compile_plan.ts";

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { "runs-on": string; steps: Step[]; needs?: string; strategy?: { matrix: { target: string[] } } };
type Workflow = { name: string; on: Record<string, unknown>; jobs: Record<string, Job> };

async function workflow(name: string): Promise<Workflow> {
  return parse(await Deno.readTextFile(new URL(`../.github/workflows/${name}`, import.meta.url)));
}

function checkJobs(flow: Workflow): void {
  assert(typeof flow.name === "string" && flow.on && flow.jobs, "name, on and jobs");
  for (const [id, job] of Object.entries(flow.jobs)) {
    assert(typeof job["runs-on"] === "string", `${id}: runs-on`);
    assert(Array.isArray(job.steps) && job.steps.length > 0, `${id}: steps`);
    for (const step of job.steps) {
      assert(step.uses !== undefined || step.run !== undefined, `${id}: a step without uses or run`);
      // Pinned to a full commit: a moved tag cannot change what runs.
      if (step.uses) {
        assert(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/.test(step.uses), `${id}: ${step.uses} is not pinned`);
      }
    }
  }
}

Deno.test("ci.yml runs on push and pull request: install, fmt/lint/type-check, then the whole suite", async () => {
  const flow = await workflow("ci.yml");
  checkJobs(flow);
  assert("push" in flow.on && "pull_request" in flow.on);
  // Debian, as developers run it, privileged for the suite's network namespaces.
  const container = (flow.jobs.test as Job & { container?: { image: string; options: string } }).container;
  assertEquals(container?.image, "debian:12");
  assert(container?.options.includes("--privileged"));
  const runs = Object.values(flow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? "")).join("\n");
  assert(runs.includes(".ci/install --peers"), runs);
  assert(runs.includes("deno task check"), runs);
  assert(runs.includes("./run test"), runs);
});

Deno.test("release.yml builds the five targets on a version tag, with checksums and a release", async () => {
  const flow = await workflow("release.yml");
  checkJobs(flow);
  assertEquals((flow.on.push as { tags: string[] }).tags, ["v*"]);
  assertEquals(flow.jobs.compile.strategy?.matrix.target.sort(), TARGETS.map((t) => t.triple).sort());
  const compile = flow.jobs.compile.steps.map((s) => s.run ?? "").join("\n");
  assert(compile.includes("scripts/compile.ts --target ${{ matrix.target }}"), compile);
  assertEquals(flow.jobs.release.needs, "compile");
  const release = flow.jobs.release.steps.map((s) => s.run ?? "").join("\n");
  assert(release.includes("sha256sum") && release.includes("SHA256SUMS"), release);
  assert(release.includes("gh release create"), release);
});
