import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { toolPath } from "../src/files/toolRoot.js";

// The eval sets: the sample company (examples/workspace, expectations in evals/dataset.yaml) is the
// dev set, the one the offline rules may be shaped on; each company under evals/companies/ (a
// workspace with its own expected.yaml) belongs to the test set, which only measures.

export interface EvalSet {
  name: string;
  role: "dev" | "test";
  /** The workspace whose canvas and events/ the set drafts. */
  workspace: string;
  /** Its expectations (evals/harness.ts Expectations). */
  expected: string;
}

export async function evalSets(): Promise<EvalSet[]> {
  const sets: EvalSet[] = [{ name: "sample", role: "dev", workspace: toolPath("examples", "workspace"), expected: toolPath("evals", "dataset.yaml") }];
  const companies = toolPath("evals", "companies");
  if (!existsSync(companies)) return sets;
  for (const entry of (await readdir(companies, { withFileTypes: true })).filter((entry) => entry.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const workspace = join(companies, entry.name);
    if (existsSync(join(workspace, "expected.yaml"))) sets.push({ name: entry.name, role: "test", workspace, expected: join(workspace, "expected.yaml") });
  }
  return sets;
}
