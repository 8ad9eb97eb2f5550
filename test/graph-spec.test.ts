import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { loadGraphSpec } from "../src/graph/spec.js";
import { loadSkills } from "../src/skills/loader.js";
import { repoRoot, runCli, sampleCopy, tempDir } from "./helpers.js";

const skills = () => loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);

async function graphFile(text: string): Promise<string> {
  const file = join(await tempDir(), "flow.yaml");
  await writeFile(file, text);
  return file;
}

describe("graph from YAML", () => {
  it("lists the causal-flow stages in order, with their gates", async () => {
    const spec = await loadGraphSpec(join(repoRoot, "graphs", "causal-flow.yaml"), await skills());
    expect(spec.nodes.map((node) => node.skill.stage.stage)).toEqual([
      "input",
      "hypothesis",
      "implication",
      "decision",
      "actions",
      "learning",
    ]);
    expect(spec.nodes.map((node) => node.gates)).toEqual([
      [],
      [],
      [],
      ["impact"],
      ["actions"],
      ["canvas", "opportunities"],
    ]);
    expect(spec.nodes.map((node) => node.slaDays ?? null)).toEqual([1, 2, 3, 7, null, null]);
    // The goals skill links the event and measures the goal; the values check scores the decision.
    expect(spec.nodes.map((node) => node.uses)).toEqual([["goals"], [], [], ["values"], [], ["goals"]]);
  });

  it("follows `next` to change the order", async () => {
    const file = await graphFile(
      "name: short\nnodes:\n  - skill: causal-flow-input\n    next: causal-flow-decision\n  - skill: causal-flow-learning\n    next: end\n  - skill: causal-flow-decision\n    next: causal-flow-learning\n",
    );
    const spec = await loadGraphSpec(file, await skills());
    expect(spec.nodes.map((node) => node.skill.name)).toEqual([
      "causal-flow-input",
      "causal-flow-decision",
      "causal-flow-learning",
    ]);
  });

  it.each([
    [
      "an unknown skill",
      "name: g\nnodes:\n  - skill: causal-flow-input\n  - skill: causal-flow-dream\n",
      4,
      /unknown skill "causal-flow-dream"/,
    ],
    [
      "a duplicate node",
      "name: g\nnodes:\n  - skill: causal-flow-input\n  - skill: causal-flow-hypothesis\n  - skill: causal-flow-input\n",
      5,
      /duplicate node "causal-flow-input" \(first on line 3\)/,
    ],
    [
      "a cycle",
      "name: g\nnodes:\n  - skill: causal-flow-input\n  - skill: causal-flow-hypothesis\n    next: causal-flow-input\n",
      3,
      /cycle: "causal-flow-input" is reached again/,
    ],
    ["a node that is not a stage", "name: g\nnodes:\n  - skill: sales-qualify\n", 3, /not a stage skill/],
    ["an unknown gate", "name: g\nnodes:\n  - skill: causal-flow-input\n    gate: sometimes\n", 4, /gate/],
    [
      "a gate listed twice",
      "name: g\nnodes:\n  - skill: causal-flow-input\n    gate: [always, always]\n",
      4,
      /listed twice/,
    ],
    [
      "a use that is not the goals or values skill",
      "name: g\nnodes:\n  - skill: causal-flow-input\n    sla_days: 1\n    uses: [causal-flow-hypothesis]\n",
      5,
      /uses: "causal-flow-hypothesis" is not a goals or values skill/,
    ],
    [
      "a next that is not a node",
      "name: g\nnodes:\n  - skill: causal-flow-input\n    next: nowhere\n",
      4,
      /next: "nowhere" is not a node/,
    ],
  ])("refuses %s with the file and line", async (_case, text, line, message) => {
    const file = await graphFile(text);
    const error = await loadGraphSpec(file, await skills()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(`${file}:${line}:`);
    expect((error as Error).message).toMatch(message);
  });

  it("runs a seventh stage added by a workspace with a SKILL.md and one YAML line, no TypeScript", async () => {
    const workspace = await sampleCopy();
    const skillDir = join(workspace, "skills", "risk-review");
    await mkdir(skillDir, { recursive: true });
    await writeFile(
      join(skillDir, "SKILL.md"),
      [
        "---",
        "name: risk-review",
        "description: Reviews the risks of the event before the decision. Use after implication.",
        "metadata:",
        "  stage: risk_review",
        "  output: sections",
        "  file: 3b-risk-review.md",
        '  sections: "Pricing, Contract"',
        "---",
        "List what the event says about pricing and contract risk.",
      ].join("\n"),
    );
    await mkdir(join(workspace, "graphs"), { recursive: true });
    await writeFile(
      join(workspace, "graphs", "causal-flow.yaml"),
      [
        "name: causal-flow",
        "nodes:",
        "  - skill: causal-flow-input",
        "  - skill: causal-flow-hypothesis",
        "  - skill: causal-flow-implication",
        "  - skill: risk-review",
        "  - skill: causal-flow-decision",
        "    gate: impact",
        "  - skill: causal-flow-actions",
        "    gate: actions",
        "  - skill: causal-flow-learning",
      ].join("\n"),
    );
    const result = await runCli([
      "--workspace",
      workspace,
      "--json",
      "event",
      "--file",
      join(workspace, "events", "02-lost-deal-nordstil.md"),
    ]);
    expect(result.stderr).toContain("risk_review");
    expect(result.exitCode).toBe(0);
    const { thread } = JSON.parse(result.stdout) as { thread: string };
    const status = JSON.parse((await runCli(["--workspace", workspace, "--json", "status", thread])).stdout) as {
      files: string[];
    };
    expect(status.files).toContain("3b-risk-review.md");
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(join(workspace, "threads", ...thread.split("/"), "3b-risk-review.md"), "utf8");
    expect(text).toContain("drafted_by: offline");
    expect(text).toMatch(/heading: Pricing[\s\S]*Vestio quoted \$46K/);
  });
});
