import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needsHuman, plannedNeedsHuman, sendsOut, stagePolicy } from "../src/core/policy.js";
import type { ActionsOutput, DecisionOutput, PlannedAction } from "../src/core/stageSchemas.js";
import { nextActionStep } from "../src/gates/actionSteps.js";
import { draftActions } from "../src/llm/offline/actions.js";
import { draftDecisionRecord } from "../src/llm/offline/decisionRecord.js";
import { draftImplication } from "../src/llm/offline/implication.js";
import { actionTemplates, loadSkills } from "../src/skills/loader.js";
import type { ActionTemplate, StageContext } from "../src/stages/context.js";
import { enforcePolicy } from "../src/stages/validate.js";
import { writeStageFiles } from "../src/threads/stageFiles.js";
import { stageExample } from "./fakeAnthropic.js";
import { repoRoot, tempDir } from "./helpers.js";
import { closedDealContext, type StageName } from "./stageContext.js";

// One approval policy (core/policy.ts): a workspace's action template that sends to customers but
// says `human_required: false` still waits for a person at every place that asks whether an action
// waits: the drafted plan, the decision's human flag, the offline drafter's dependencies and plan,
// the action engine, the inbox's count and the action's file. In the process: no CLI, no model.

const skills = await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);
const tool = actionTemplates(skills);
const research = tool.get("marketing:research")!;
/** The tool's marketing:research as a workspace might override it: it sends, and claims no person is needed. */
const sending: ActionTemplate = {
  ...research,
  action: { ...research.action, executor: "send", human_required: false },
};

/** The closed deal's context at `stage`, with marketing:research's template as given; impact never reaches the threshold. */
async function contextWith(
  template: ActionTemplate,
  stage: StageName,
  earlier: readonly StageName[],
): Promise<StageContext> {
  const context = await closedDealContext(skills, stage, earlier);
  return {
    ...context,
    approvalThreshold: 1.01,
    actionTemplates: new Map([...tool, ["marketing:research", template]]),
  };
}

const decisionOf = async (): Promise<DecisionOutput> =>
  ({
    ...(await stageExample("decision")),
    actions: [{ type: "marketing:research", title: "Gather the Ondine results and permission" }],
  }) as DecisionOutput;

const cases: Array<[string, ActionTemplate, boolean]> = [
  ["a template that sends but says human_required: false", sending, true],
  ["the tool's own marketing:research (no send, human_required: false)", research, false],
];

describe("one approval policy: whether an action waits is core/policy.ts's answer everywhere", () => {
  it("the policy itself: a send always waits, whatever its template says", () => {
    expect(sending.action.human_required).toBe(false);
    expect(sendsOut(sending)).toBe(true);
    expect(needsHuman(sending)).toBe(true);
    expect(needsHuman(research)).toBe(false);
  });

  for (const [name, template, waits] of cases) {
    describe(name, () => {
      it(`the plan stamped at validation ${waits ? "waits" : "does not wait"}`, async () => {
        const context = await contextWith(template, "actions", ["input", "hypothesis", "implication", "decision"]);
        const drafted = {
          actions: [
            {
              id: "act-1",
              type: "marketing:research",
              title: "Gather the results",
              owner: "ai",
              human_required: false,
              due: "2026-12-01",
              status: "pending",
            },
          ],
          summary: "s",
        } as ActionsOutput;
        expect(enforcePolicy("actions", drafted, context).actions[0]!.human_required).toBe(waits);
      });

      it(`the decision's human flag ${waits ? "is raised" : "stays down"} below the threshold`, async () => {
        const context = await contextWith(template, "decision", ["input", "hypothesis", "implication"]);
        const decision = await decisionOf();
        expect(enforcePolicy("decision", decision, context).human_flagged).toBe(waits);
        expect(draftDecisionRecord(context, decision).human_flagged).toBe(waits);
      });

      it(`the offline drafter ${waits ? "names the approval among its dependencies and plans it waiting" : "plans it to run alone"}`, async () => {
        const implication = draftImplication(await contextWith(template, "implication", ["input", "hypothesis"]));
        const approval = "a human to approve marketing:research (leaves the machine)";
        if (waits) expect(implication.dependencies).toContain(approval);
        else expect(implication.dependencies).not.toContain(approval);
        const context = await contextWith(template, "actions", ["input", "hypothesis", "implication"]);
        const actions = draftActions({ ...context, outputs: { ...context.outputs, decision: await decisionOf() } });
        expect(actions.actions[0]).toMatchObject({ type: "marketing:research", human_required: waits });
      });

      it(`the action engine ${waits ? "prepares it for a person" : "runs it"}, and the inbox counts it so`, () => {
        // A plan stamped before the template changed says no person; the template's rule decides.
        const planned: PlannedAction = {
          id: "act-1",
          type: "marketing:research",
          title: "Gather the results",
          owner: "ai",
          human_required: false,
          due: "2026-12-01",
          status: "pending",
        };
        const step = nextActionStep({
          thread: "sales/elsaai-deal-closed",
          plan: { actions: [planned], summary: "s" },
          templates: new Map([...tool, ["marketing:research", template]]),
          reviews: {},
          now: new Date("2026-11-25T09:00:00.000Z"),
          titleView: () => ({}),
        });
        expect(step.kind).toBe(waits ? "prepare" : "run");
        if (step.kind === "prepare") expect(step.reasons).toEqual(["it sends to customers"]);
        expect(plannedNeedsHuman(planned, template)).toBe(waits);
      });

      it(`the action's file says the template ${waits ? "needs" : "does not need"} a person`, async () => {
        const root = await tempDir();
        const context = await contextWith(template, "actions", ["input", "hypothesis", "implication", "decision"]);
        const planned: PlannedAction = {
          id: "act-1",
          type: "marketing:research",
          title: "Gather the results",
          owner: "ai",
          human_required: waits,
          due: "2026-12-01",
          status: "pending",
        };
        const written = await writeStageFiles({
          threadDir: "threads/sales/elsaai-deal-closed",
          context: { ...context, workspaceRoot: root },
          meta: {
            thread: "sales/elsaai-deal-closed",
            stage: "actions",
            title: "ElsaAI deal closed",
            drafted_by: "offline",
            model: "rules",
            drafted_at: "2026-11-25T09:00:00.000Z",
          },
          output: { actions: [planned], summary: "s" },
          gate: { impact: 0.5, threshold: 1.01, required: false, reasons: [], reading: false, mode: "threshold" },
        });
        const file = written.find((path) => path.endsWith("marketing-research.md"))!;
        const text = await readFile(join(root, "threads", "sales", "elsaai-deal-closed", file), "utf8");
        expect(text).toContain(`Human required by template: ${waits ? "yes" : "no"}`);
      });
    });
  }
});

describe("a goal's autonomy (the decision of a thread that serves it)", () => {
  const decision = (
    impact: number,
    autonomy: "auto" | "ask" | "hybrid",
    mode: "threshold" | "supervised" = "threshold",
  ) => stagePolicy({ gates: ["impact"], impact, threshold: 0.8, mode, goal: { id: "g-mrr-5k", autonomy } });

  it("asks a person for every decision under ask, and from impact 0.5 under hybrid", () => {
    expect(decision(0.2, "ask")).toMatchObject({
      required: true,
      reasons: ["it serves goal g-mrr-5k, whose autonomy is ask: every decision waits for a person"],
    });
    expect(decision(0.6, "hybrid")).toMatchObject({
      required: true,
      reasons: ["it serves goal g-mrr-5k, whose autonomy is hybrid: impact 0.6 >= 0.5 waits for a person"],
    });
    expect(decision(0.4, "hybrid").required).toBe(false);
  });

  it("never loosens the workspace's rules: auto adds nothing, and every other reason stands", () => {
    expect(decision(0.4, "auto").required).toBe(false);
    expect(decision(0.9, "auto").reasons).toEqual(["impact 0.9 >= 0.8"]);
    expect(decision(0.1, "auto", "supervised").required).toBe(true);
    expect(
      stagePolicy({ gates: [], impact: 0.9, threshold: 0.8, mode: "threshold", goal: { id: "g-x", autonomy: "ask" } })
        .required,
    ).toBe(false);
  });
});

describe("a decision strategy/values.md speaks against", () => {
  it("waits for a person whatever the impact, each reason said; none adds nothing", () => {
    const breach =
      'it breaks the soft constraint "Keep discounts at 10% or less" (strategy/values.md:4): a 15% discount';
    expect(
      stagePolicy({ gates: ["impact"], impact: 0.1, threshold: 0.8, mode: "threshold", valuesReasons: [breach] }),
    ).toMatchObject({
      required: true,
      reasons: [breach],
    });
    expect(
      stagePolicy({ gates: ["impact"], impact: 0.1, threshold: 0.8, mode: "threshold", valuesReasons: [] }).required,
    ).toBe(false);
  });
});
