import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stageRequest } from "../src/llm/layout.js";
import { loadSkills, type SkillSet } from "../src/skills/loader.js";
import { schemaFor } from "../src/stages/validate.js";
import { proseJudgement } from "../src/values/judgement.js";
import { proseConstraints } from "../src/values/prose.js";
import { parseValues } from "../src/values/valuesFile.js";
import { stageExample, startFakeAnthropic } from "./fakeAnthropic.js";
import { repoRoot, runCli, sampleCopy } from "./helpers.js";
import { closedDealContext } from "./stageContext.js";

// A value function's constraints in prose (issue 31): code cannot check them, so a model drafter is
// given them to judge, and its judgement is shown at the decision's gate, never trusted alone.

const VALUES = `# Value Function

## Tier 1: Hard Constraints
- Financial: Monthly spend ceiling $3K — violating this reduces runway below survival threshold
- Legal: Never quote a customer's figures without their written sign-off — contract terms
- Technical: No photo storage in the product database — an architectural commitment

## Tier 2: Soft Constraints
- Keep discounts at 10% or less — a bigger one needs a reason
- Prefer annual contracts — the plan names an annual term

## Tradeoff Preferences
- Quality over speed until 20 paying customers

## Decision Precedents
Sales | a luxury win with a measured pilot result | publish after sign-off | customer consent first | 2026-10-02
`;

const values = parseValues("strategy/values.md", VALUES, "USD");

describe("the constraints in prose", () => {
  it("are named by tier and place among all of the tier's constraints, measurable ones left to code", () => {
    expect(proseConstraints(values).map((constraint) => [constraint.id, constraint.text, constraint.line])).toEqual([
      ["H2", "Legal: Never quote a customer's figures without their written sign-off", 5],
      ["H3", "Technical: No photo storage in the product database", 6],
      ["S2", "Prefer annual contracts", 10],
    ]);
    expect(proseConstraints(undefined)).toEqual([]);
  });
});

describe("a decision's judgement against them", () => {
  const check = {
    verdict: "EXECUTE+FLAG" as const,
    reason: "It quotes no figure, but the plan is monthly.",
    judged: [
      { constraint: "H2", holds: "yes" as const, reason: "the case study waits for the customer's sign-off" },
      { constraint: "S2", holds: "no" as const, reason: "the plan is month to month" },
    ],
  };

  it("has a decision that commits actions wait for a person under each hard one, whatever the drafter judged", () => {
    const judged = proseJudgement(values, { committing: true, check, drafter: "anthropic" })!;
    expect(judged.waits).toEqual([
      `it commits actions under the hard constraint in prose H2 "Legal: Never quote a customer's figures without their written sign-off" (strategy/values.md:5), which code cannot check: the drafter judged it holds: the case study waits for the customer's sign-off; a person confirms`,
      `it commits actions under the hard constraint in prose H3 "Technical: No photo storage in the product database" (strategy/values.md:6), which code cannot check: no drafter judged it; a person confirms`,
      `the soft constraint S2 "Prefer annual contracts" (strategy/values.md:10) may be broken: the drafter judged it breaks it: the plan is month to month`,
      "the drafter's values verdict is EXECUTE+FLAG: It quotes no figure, but the plan is monthly.",
    ]);
    expect(judged.shown).toHaveLength(3);
  });

  it("has a decision that commits nothing wait only for a soft one the drafter doubts", () => {
    const kept = { ...check, verdict: "EXECUTE" as const, judged: [{ ...check.judged[1]!, holds: "yes" as const }] };
    expect(proseJudgement(values, { committing: false, check: kept, drafter: "anthropic" })!.waits).toEqual([]);
    expect(proseJudgement(values, { committing: false, check, drafter: "anthropic" })!.waits).toEqual([
      expect.stringContaining('the soft constraint S2 "Prefer annual contracts"'),
    ]);
  });

  it("says the offline drafter judges none, and adds nothing where there is no prose", () => {
    const offline = proseJudgement(values, { committing: true, check: undefined, drafter: "offline" })!;
    expect(offline.shown[0]).toContain("no drafter judged it (the offline drafter judges only what code can measure)");
    const measurable = parseValues("strategy/values.md", VALUES.split("\n").slice(0, 4).join("\n"), "USD");
    expect(proseJudgement(measurable, { committing: true, check, drafter: "anthropic" })).toBeUndefined();
  });
});

describe("a model drafter's request", () => {
  let skills: SkillSet;
  beforeAll(async () => {
    skills = await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);
  });

  it("gives the decision stage the prose to judge, what code checks, the tradeoffs and the precedents", async () => {
    const context = {
      ...(await closedDealContext(skills, "decision", ["input", "hypothesis", "implication"])),
      values,
    };
    const blocks = stageRequest(context).user.map((block) => block.text);
    const block = blocks.find((text) => text.startsWith("<values>"))!;
    expect(block).toContain(
      "- H2: Legal: Never quote a customer's figures without their written sign-off (hard because: contract terms)",
    );
    expect(block).toContain("- S2: Prefer annual contracts (evaluated by: the plan names an annual term)");
    expect(block).toContain("- hard: spend at most USD 3,000 a month");
    expect(block).toContain("- Quality over speed until 20 paying customers");
    expect(block).toContain("- Sales: a luxury win with a measured pilot result -> publish after sign-off");
    // Just before the request; the request itself says nothing of it.
    expect(blocks.indexOf(block)).toBe(blocks.length - 2);
    const plain = stageRequest(await closedDealContext(skills, "decision", ["input", "hypothesis", "implication"]));
    expect(plain.user.map((item) => item.text).some((text) => text.includes("<values>"))).toBe(false);
    const input = stageRequest({ ...(await closedDealContext(skills, "input", [])), values });
    expect(input.user.map((item) => item.text).some((text) => text.includes("<values>"))).toBe(false);
  });

  it("is refused a judgement of a constraint the request did not list, so the drafter repairs it", async () => {
    const context = {
      ...(await closedDealContext(skills, "decision", ["input", "hypothesis", "implication"])),
      values,
    };
    const draft = {
      ...(await stageExample("decision")),
      values_check: { verdict: "EXECUTE", reason: "fine", judged: [{ constraint: "H1", holds: "yes", reason: "x" }] },
    };
    const refused = schemaFor("decision", context).safeParse(draft);
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]!.message).toBe(
      "H1 is not a constraint in prose of strategy/values.md (those to judge: H2, H3, S2)",
    );
    draft.values_check.judged[0]!.constraint = "H3";
    expect(schemaFor("decision", context).safeParse(draft).success).toBe(true);
  });
});

describe("leanos with a model drafter and constraints in prose", () => {
  it("shows the model's judgement at the decision's gate and waits for a person, below the threshold too", async () => {
    const server = await startFakeAnthropic();
    try {
      const workspace = await sampleCopy({ autonomy: "threshold" });
      await writeFile(join(workspace, "strategy", "values.md"), VALUES);
      const config = join(workspace, ".leanos", "config.yaml");
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace("approval_threshold: 0.8", "approval_threshold: 0.95"),
      );
      server.script.set("classify_event", [{ tool: { type: "sales", title: "ElsaAI deal closed" } }]);
      for (const stage of ["input", "hypothesis", "implication"])
        server.script.set(`${stage}_stage_output`, [{ tool: await stageExample(stage) }]);
      server.script.set("decision_stage_output", [
        {
          tool: {
            ...(await stageExample("decision")),
            values_check: {
              verdict: "EXECUTE",
              reason: "The case study waits for sign-off and stores nothing.",
              judged: [
                { constraint: "H2", holds: "yes", reason: "the case study is drafted for the customer's sign-off" },
                { constraint: "H3", holds: "yes", reason: "no photos are stored" },
                { constraint: "S2", holds: "unsure", reason: "the event does not give the contract's term" },
              ],
            },
          },
        },
      ]);
      const started = await runCli(
        [
          "--workspace",
          workspace,
          "--now",
          "2026-11-25",
          "--json",
          "event",
          "--provider",
          "anthropic",
          "ElsaAI deal closed: $1.1M ARR.",
        ],
        { env: { ANTHROPIC_API_KEY: "test-key", LEANOS_ANTHROPIC_URL: server.url } },
      );
      expect(started.exitCode, started.stderr).toBe(0);
      const { thread, pending } = JSON.parse(started.stdout) as {
        thread: string;
        pending: Array<{ kind: string; question: string }>;
      };
      expect(pending.map((item) => item.kind)).toEqual(["impact"]);
      const question = pending[0]!.question;
      expect(question).not.toContain(">= 0.95");
      expect(question).toContain(
        `it commits actions under the hard constraint in prose H2 "Legal: Never quote a customer's figures without their written sign-off" (strategy/values.md:5), which code cannot check: the drafter judged it holds: the case study is drafted for the customer's sign-off; a person confirms`,
      );
      expect(question).toContain(
        'the soft constraint S2 "Prefer annual contracts" (strategy/values.md:10) may be broken: the drafter judged it is unsure whether it holds: the event does not give the contract\'s term',
      );
      const decision = await readFile(join(workspace, "threads", ...thread.split("/"), "4-decision.md"), "utf8");
      expect(decision).toContain(
        '- hard H3 "Technical: No photo storage in the product database" (strategy/values.md:6): the drafter judged it holds: no photos are stored',
      );
      expect(decision).toContain(
        "- The drafter's values verdict: EXECUTE: The case study waits for sign-off and stores nothing.",
      );
      const asked = server.requests.find((request) => request.tool === "decision_stage_output")!;
      expect(JSON.stringify(asked.body.messages)).toContain("H3: Technical: No photo storage in the product database");
    } finally {
      await server.close();
    }
  }, 60_000);
});
