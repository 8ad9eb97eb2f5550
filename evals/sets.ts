import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { toolPath } from "../src/files/toolRoot.js";

// The eval sets: the sample company (examples/workspace, expectations in evals/dataset.yaml, and
// more of its events in evals/dev/sample-more) is the dev set, the one the offline rules may be shaped on; each company under evals/companies/ (a
// workspace with its own expected.yaml) belongs to the test set, which only measures.

export interface EvalSet {
  name: string;
  role: "dev" | "test";
  /** The workspace whose canvas the set drafts against. */
  workspace: string;
  /** The folder of its events (the workspace's events/ unless the set keeps its own). */
  events: string;
  /** Its expectations (evals/harness.ts Expectations). */
  expected: string;
}

export async function evalSets(): Promise<EvalSet[]> {
  const sample = toolPath("examples", "workspace");
  const sets: EvalSet[] = [
    {
      name: "sample",
      role: "dev",
      workspace: sample,
      events: join(sample, "events"),
      expected: toolPath("evals", "dataset.yaml"),
    },
  ];
  // More events of the sample company, written after the rules (so a new user's kind of event is in
  // the dev set too); they draft against the sample's canvas.
  const more = toolPath("evals", "dev", "sample-more");
  if (existsSync(join(more, "expected.yaml")))
    sets.push({
      name: "sample-more",
      role: "dev",
      workspace: sample,
      events: join(more, "events"),
      expected: join(more, "expected.yaml"),
    });
  // Whole companies: those under evals/dev/companies are dev (more than one company to shape general
  // rules on), those under evals/companies are the test set.
  sets.push(
    ...(await companySets(toolPath("evals", "dev", "companies"), "dev")),
    ...(await companySets(toolPath("evals", "companies"), "test")),
  );
  return sets;
}

/** Each workspace folder under `dir` with an expected.yaml, as a set of the given role. */
async function companySets(dir: string, role: EvalSet["role"]): Promise<EvalSet[]> {
  if (!existsSync(dir)) return [];
  const sets: EvalSet[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const workspace = join(dir, entry.name);
    if (existsSync(join(workspace, "expected.yaml")))
      sets.push({
        name: entry.name,
        role,
        workspace,
        events: join(workspace, "events"),
        expected: join(workspace, "expected.yaml"),
      });
  }
  return sets;
}
