import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCanvas } from "../src/canvas/canvas.js";
import { actionTemplates, loadSkills } from "../src/skills/loader.js";
import type { StageContext } from "../src/stages/context.js";
import { stageOutputSchemas } from "../src/core/stageSchemas.js";
import { enforcePolicy, schemaFor } from "../src/stages/validate.js";
import { repoRoot, sampleWorkspace } from "./helpers.js";

const stages = ["input", "hypothesis", "implication", "decision", "actions", "learning"] as const;

async function exampleOf(stage: string): Promise<unknown> {
  const text = await readFile(
    join(repoRoot, "skills", "causal-flow", "stages", `causal-flow-${stage}`, "SKILL.md"),
    "utf8",
  );
  const example = text.slice(text.indexOf("## Example"));
  const json = /```json\n([\s\S]*?)```/.exec(example)?.[1];
  if (!json) throw new Error(`no JSON example in causal-flow-${stage}`);
  return JSON.parse(json);
}

async function contextFor(stage: string): Promise<StageContext> {
  const skills = await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);
  const canvas = await readCanvas(join(sampleWorkspace, "strategy", "canvas"));
  return {
    canvas,
    actionTemplates: actionTemplates(skills),
    skill: skills.get(`causal-flow-${stage}`)!,
  } as StageContext;
}

describe("stage output schemas", () => {
  it.each(stages)("accept the worked example in the %s skill", async (stage) => {
    const parsed = stageOutputSchemas[stage].safeParse(await exampleOf(stage));
    expect(parsed.success ? "valid" : parsed.error.message).toBe("valid");
  });

  it.each([
    [
      "input",
      {
        title: "x",
        summary: "y",
        type: "finance",
        occurred_on: "2026-11-18",
        source: "s",
        facts: [],
        organizations: [],
        people: [],
        segment: null,
      },
      "type",
    ],
    [
      "input",
      {
        title: "ElsaAI",
        summary: "y",
        type: "sales",
        occurred_on: "18/11/2026",
        source: "s",
        facts: [],
        organizations: [],
        people: [],
        segment: null,
      },
      "occurred_on",
    ],
    ["hypothesis", { tests: [], summary: "none" }, "tests"],
    [
      "hypothesis",
      {
        tests: [
          {
            assumption_id: "A4",
            title: "t",
            direction: "validates",
            previous_confidence: 60,
            proposed_confidence: 140,
            evidence: "e",
          },
        ],
        summary: "s",
      },
      "tests.0.proposed_confidence",
    ],
    [
      "implication",
      {
        mode: "VENTURE",
        factors: [{ name: "a", score: 0.5, rationale: "r" }],
        impact_score: 0.5,
        quantified: [],
        risks: ["r"],
        dependencies: [],
        timeline: "t",
      },
      "factors",
    ],
    [
      "decision",
      {
        verdict: "MAYBE",
        statement: "s",
        alternatives: [
          { option: "a", reason: "r" },
          { option: "b", reason: "r" },
        ],
        rationale: "r",
        actions: [],
      },
      "verdict",
    ],
    [
      "decision",
      { verdict: "PROCEED", statement: "s", alternatives: [{ option: "a", reason: "r" }], rationale: "r", actions: [] },
      "alternatives",
    ],
    [
      "actions",
      {
        actions: [
          {
            id: "1",
            type: "sales:qualify",
            title: "t",
            owner: "ai",
            human_required: false,
            due: "2026-12-01",
            status: "pending",
          },
        ],
        summary: "s",
      },
      "actions.0.id",
    ],
    [
      "learning",
      {
        outcome: "o",
        metrics: [],
        validations: [
          { assumption_id: "A4", result: "great", confidence_before: 60, confidence_after: 90, reasoning: "r" },
        ],
        canvas_updates: [],
        opportunities: [],
      },
      "validations.0.result",
    ],
  ] as const)("reject a bad %s output at %s", (stage, output, path) => {
    const parsed = stageOutputSchemas[stage].safeParse(output);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join("."))).toContain(path);
  });

  it("refuses an assumption id that is not in the canvas", async () => {
    const context = await contextFor("hypothesis");
    const example = (await exampleOf("hypothesis")) as { tests: Array<{ assumption_id: string }> };
    example.tests[0]!.assumption_id = "A99";
    const parsed = schemaFor("hypothesis", context).safeParse(example);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toMatch(/A99 is not in strategy\/canvas\/10-assumptions.md/);
  });

  it("refuses impact factors that are not the business mode's", async () => {
    const context = await contextFor("implication");
    const example = (await exampleOf("implication")) as { factors: Array<{ name: string }> };
    example.factors[0]!.name = "revenue impact";
    expect(schemaFor("implication", context).safeParse(example).success).toBe(false);
  });

  it("refuses an action type that has no template", async () => {
    const context = await contextFor("decision");
    const example = (await exampleOf("decision")) as { actions: Array<{ type: string }> };
    example.actions.push({ type: "sales:teleport", title: "x" } as { type: string });
    const parsed = schemaFor("decision", context).safeParse(example);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toMatch(/sales:teleport has no template/);
  });

  it("recomputes the impact score from the factors and takes owners from the templates, whatever the model said", async () => {
    const implication = await contextFor("implication");
    const drafted = { ...((await exampleOf("implication")) as object), impact_score: 0.1 } as never;
    const fixed = enforcePolicy("implication", drafted, implication);
    const factors = (drafted as { factors: Array<{ score: number }> }).factors;
    expect(fixed.impact_score).toBeCloseTo(factors.reduce((sum, factor) => sum + factor.score, 0) / 3, 2);

    const actions = await contextFor("actions");
    const claimed = {
      actions: [
        {
          id: "act-9",
          type: "marketing:publish",
          title: "Publish",
          owner: "ai",
          human_required: false,
          due: "2026-12-01",
          status: "completed",
        },
      ],
      summary: "s",
    };
    const policed = enforcePolicy("actions", claimed as never, actions);
    expect(policed.actions[0]).toMatchObject({ id: "act-1", human_required: true, status: "pending" });
  });
});
