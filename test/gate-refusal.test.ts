import { describe, expect, it } from "vitest";
import { z } from "zod";
import { chatRefusal } from "../src/approvals/present.js";
import type { Canvas } from "../src/canvas/canvas.js";
import { cliRefusal } from "../src/cli/failure.js";
import { AnswerRefused, refusalText, type GateRefusal } from "../src/core/refusal.js";
import { DEFAULT_THREAD_TYPES } from "../src/core/threadTypes.js";
import { UsageError } from "../src/errors.js";
import { canvasGate } from "../src/gates/canvas.js";
import { checkAnswer, checkEditedDraft, type AnswerContext, type AnswerRules } from "../src/gates/check.js";
import { checkCorrection, checkReason } from "../src/gates/correction.js";
import { readingEdit } from "../src/gates/readingEdit.js";
import { gatePayload, type GatePayload, type GivenAnswer } from "../src/gates/wire.js";
import { refusalShown, refusalWords, type PostedAnswer } from "../src/web/inbox.js";

// A gate refuses an answer as data (core/refusal.ts): the field at fault, why in plain words, and
// what it would take. Each front end words it for its own people. These say what each check
// refuses, and how the CLI, the web inbox and the chat put it.

const THREAD = "sales/acme-deal";

/** A question at a gate of `kind`, offering `editable`, with `locked` values set by policy. */
function payloadOf(
  editable: Record<string, unknown>,
  options: { kind?: "impact" | "canvas"; respond?: boolean; locked?: Record<string, unknown> } = {},
): GatePayload {
  return gatePayload({
    info: {
      thread: THREAD,
      kind: options.kind ?? "impact",
      node: "gate_decision",
      stage: "decision",
      question: "Proceed?",
      impact: 0.9,
      draft: "threads/sales/acme-deal/4-decision.md",
      locked: options.locked ?? {},
    },
    editable,
    allow: { edit: true, respond: options.respond ?? true },
    description: "### Proceed?",
  });
}

const canvas = { assumptions: [{ id: "A4" }, { id: "A5" }] } as unknown as Canvas;
const context = {
  thread: THREAD,
  workspaceRoot: "/nowhere",
  canvas,
  threadTypes: DEFAULT_THREAD_TYPES,
  stageSchema: () => z.object({}),
} as AnswerContext;

const decision = z.object({ verdict: z.enum(["PROCEED", "DEFER"]), statement: z.string().min(1) }).strict();
const rules: AnswerRules = { checkEdit: (payload, edits) => checkEditedDraft(payload, edits, decision) };
const draft = { verdict: "PROCEED", statement: "Publish the case study." };

/** The refusal `work` throws (it must throw one). */
async function refusalOf(work: () => unknown): Promise<GateRefusal> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(AnswerRefused);
    // Still a usage error: exit 2, and every catch of one keeps working.
    expect(error).toBeInstanceOf(UsageError);
    expect((error as AnswerRefused).exitCode).toBe(2);
    return (error as AnswerRefused).refusal;
  }
  throw new Error("nothing was refused");
}

const answer = (given: Omit<GivenAnswer, "by">): GivenAnswer => ({ ...given, by: "ana" }) as GivenAnswer;
const edit = (args: Record<string, unknown>) => answer({ type: "edit", args: { action: "edit", args } });

describe("the checks every answer passes refuse it as data", () => {
  it("refuses an answer type the gate does not allow, as a whole, listing the ones it does", async () => {
    const payload = payloadOf(draft, { respond: false });
    expect(
      await refusalOf(() => checkAnswer(rules, payload, answer({ type: "response", args: "x" }), context)),
    ).toEqual({
      field: null,
      reason: `"respond" is not allowed at this impact gate of ${THREAD}`,
      allowed: ["accept", "edit", "reject"],
    });
  });

  it("refuses an edit that changes nothing, a respond with no feedback and a rejection whose reason is blank", async () => {
    const payload = payloadOf(draft);
    expect(await refusalOf(() => checkAnswer(rules, payload, edit({}), context))).toEqual({
      field: null,
      reason: "an edit needs at least one value to change",
      allowed: ["verdict", "statement"],
    });
    expect(
      await refusalOf(() => checkAnswer(rules, payload, answer({ type: "response", args: "  " }), context)),
    ).toMatchObject({ field: null, reason: "respond needs the feedback text" });
    expect(
      await refusalOf(() => checkAnswer(rules, payload, answer({ type: "ignore", args: " " }), context)),
    ).toMatchObject({ field: "reason", reason: expect.stringContaining("must say why") });
  });

  it("refuses a key the question does not offer or that policy sets, naming it, with the fields it has", async () => {
    const payload = payloadOf(draft, { locked: { impact_score: 0.9 } });
    expect(await refusalOf(() => checkAnswer(rules, payload, edit({ colour: "red" }), context))).toEqual({
      field: null,
      reason: '"colour" is not a field of this draft',
      allowed: ["verdict", "statement"],
    });
    expect(await refusalOf(() => checkAnswer(rules, payload, edit({ impact_score: 0.1 }), context))).toEqual({
      field: null,
      reason: '"impact_score" is set by policy and cannot be edited',
      allowed: ["verdict", "statement"],
    });
  });

  it("refuses a value its field cannot hold at that field, the first problem only", async () => {
    const refusal = await refusalOf(() =>
      checkAnswer(rules, payloadOf(draft), edit({ verdict: "MAYBE", statement: "" }), context),
    );
    expect(refusal.field).toBe("verdict");
    expect(refusal.reason).toMatch(/^Invalid option/);
  });

  it("refuses a canvas value at its key, and a key the change does not have as a whole", async () => {
    const payload = payloadOf({ "A4.confidence": 70, "metric.ARR": "$4M" }, { kind: "canvas", respond: false });
    expect(await refusalOf(() => canvasGate.checkEdit(payload, { "A4.confidence": 140 }, context))).toEqual({
      field: "A4.confidence",
      reason: "confidence must be a whole number from 0 to 100, not 140",
    });
    expect(await refusalOf(() => canvasGate.checkEdit(payload, { "metric.ARR": "$9M | evil" }, context))).toMatchObject(
      { field: "metric.ARR", reason: expect.stringContaining('"|"') },
    );
    expect(await refusalOf(() => canvasGate.checkEdit(payload, { "A99.confidence": 50 }, context))).toEqual({
      field: null,
      reason: '"A99.confidence" is not part of this canvas update',
      allowed: ["A4.confidence", "metric.ARR"],
    });
  });
});

describe("a correction of the reading is refused as data", () => {
  const reading = { type: "sales", assumptions: [{ id: "A4", direction: "validates" as const }], facts: [] };
  const correct = (given: unknown) => () => checkCorrection(given, canvas, reading, DEFAULT_THREAD_TYPES);

  it("names the assumption at fault by its path, with the ids the canvas has", async () => {
    expect(await refusalOf(correct({ assumptions: [{ id: "A99", direction: "challenges" }] }))).toEqual({
      field: "assumptions.0.id",
      reason: "A99 is not in strategy/canvas/10-assumptions.md",
      allowed: ["A4", "A5"],
    });
    expect(
      await refusalOf(
        correct({
          assumptions: [
            { id: "A5", direction: "validates" },
            { id: "A5", direction: "challenges" },
          ],
        }),
      ),
    ).toEqual({ field: "assumptions.1.id", reason: "A5 is named twice" });
    expect(await refusalOf(correct({ assumptions: [{ id: "NEW", direction: "validates" }] }))).toMatchObject({
      field: "assumptions.0.direction",
    });
  });

  it("names the type, the verdict and the reason at fault", async () => {
    expect(await refusalOf(correct({ type: "finance" }))).toMatchObject({
      field: "type",
      reason: expect.stringContaining('"finance" is not a thread type of this workspace'),
    });
    expect(await refusalOf(correct({ verdict: "DEFER" }))).toEqual({
      field: "verdict",
      reason: "the thread has no decision drafted yet to correct",
    });
    expect(await refusalOf(() => checkReason("x".repeat(2001)))).toMatchObject({ field: "reason" });
  });

  it("refuses as a whole what is not a correction, a field it does not set, and one that changes nothing", async () => {
    expect(await refusalOf(correct([1, 2]))).toEqual({
      field: null,
      reason: "a correction is an object of the reading's fields to correct",
      allowed: ["type", "assumptions", "verdict", "facts", "goal"],
    });
    expect(await refusalOf(correct({ statement: "x" }))).toEqual({
      field: null,
      reason: '"statement" is not a field a correction sets',
      allowed: ["type", "assumptions", "verdict", "facts", "goal"],
    });
    expect(await refusalOf(correct({ type: "sales" }))).toEqual({
      field: null,
      reason: "every value given is what the drafter read already: nothing to correct",
    });
  });

  it("takes a goal link only to an active goal of the workspace", async () => {
    expect(await refusalOf(correct({ goal: "g-mrr-5k" }))).toEqual({
      field: "goal",
      reason: "the workspace has no active goal to link a thread to (leanos goal add sets one)",
    });
    const withGoals = (given: unknown) => () =>
      checkCorrection(given, canvas, { ...reading, goal: null }, DEFAULT_THREAD_TYPES, ["g-mrr-5k", "g-arr-5m"]);
    expect(await refusalOf(withGoals({ goal: "g-other" }))).toEqual({
      field: "goal",
      reason: "g-other is not an active goal (strategy/goals/active/); null links the thread to none",
      allowed: ["g-mrr-5k", "g-arr-5m"],
    });
    expect(await refusalOf(withGoals({ goal: "../../etc" }))).toMatchObject({ field: "goal" });
    expect(withGoals({ goal: "g-arr-5m" })()).toEqual({ goal: "g-arr-5m" });
    expect(await refusalOf(withGoals({ goal: null }))).toMatchObject({
      reason: expect.stringContaining("nothing to correct"),
    });
  });

  it("refuses a reading corrected and the decision's wording edited in one answer", async () => {
    const payload = payloadOf({ ...draft, type: "sales", assumptions: reading.assumptions, facts: [] });
    expect(
      await refusalOf(() =>
        readingEdit(payload, { type: "business", statement: "Other words." }, canvas, DEFAULT_THREAD_TYPES),
      ),
    ).toEqual({
      field: null,
      reason:
        "correct the reading (type, assumptions, facts, verdict) or edit the decision's statement, not both in one answer: a corrected reading drafts the decision again",
    });
  });
});

/** Every refusal shape the gates give. */
const SHAPES: GateRefusal[] = [
  { field: null, reason: '"respond" is not allowed at this canvas gate of t', allowed: ["accept", "edit", "reject"] },
  { field: null, reason: '"colour" is not a field of this draft', allowed: ["verdict", "statement"] },
  { field: "verdict", reason: "Invalid option" },
  { field: "assumptions.0.id", reason: "A99 is not in strategy/canvas/10-assumptions.md", allowed: ["A4"] },
  { field: "outcome", reason: "report what happened", allowed: ["qualified", "disqualified"] },
  { field: "reason", reason: "Too big" },
];

describe("each front end words a refusal for itself", () => {
  it("says it without any front end's controls where no front end owns the words (a LangGraph client, the audit log)", () => {
    for (const refusal of SHAPES) expect(refusalText(refusal)).not.toMatch(/--|leanos /);
    expect(refusalText(SHAPES[3]!)).toBe(
      "assumptions.0.id: A99 is not in strategy/canvas/10-assumptions.md (allowed: A4)",
    );
    expect(new AnswerRefused(SHAPES[0]!).message).toBe(refusalText(SHAPES[0]!));
  });

  it("the CLI names the option that carried it, as its messages always have", () => {
    expect(SHAPES.map(cliRefusal)).toEqual([
      '"respond" is not allowed at this canvas gate of t (allowed: accept, edit, reject)',
      '"colour" is not a field of this draft (allowed: verdict, statement)',
      "--edit: verdict: Invalid option",
      "--edit: assumptions.0.id: A99 is not in strategy/canvas/10-assumptions.md (allowed: A4)",
      `--edit: outcome: report what happened (allowed: qualified, disqualified): e.g. --edit '{"outcome":"qualified"}'`,
      "--reason: Too big",
    ]);
  });

  it("the web inbox shows an edit's refusal next to the form's field, and any other above the item", () => {
    const posted = (answer: string): PostedAnswer => ({
      thread: THREAD,
      interrupt: "i-1",
      answer,
      fields: { verdict: "MAYBE", assumptions: "[]" },
    });
    const fields = ["verdict", "statement", "assumptions"];
    expect(refusalShown(new AnswerRefused(SHAPES[2]!), posted("edit"), fields)).toEqual({
      thread: THREAD,
      interrupt: "i-1",
      fields: { verdict: "MAYBE", assumptions: "[]" },
      field: "verdict",
      message: "Invalid option.",
    });
    expect(refusalShown(new AnswerRefused(SHAPES[3]!), posted("edit"), fields)).toMatchObject({
      field: "assumptions",
      message: "0.id: A99 is not in strategy/canvas/10-assumptions.md. It takes: A4.",
    });
    const whole = refusalShown(new AnswerRefused(SHAPES[1]!), posted("edit"), fields);
    expect(whole.field).toBeUndefined();
    expect(whole.message).toBe('"colour" is not a field of this draft. It takes: verdict, statement.');
    expect(refusalShown(new UsageError("nothing was changed"), posted("edit"), fields)).toMatchObject({
      message: "nothing was changed",
    });
    for (const refusal of SHAPES) expect(refusalWords(refusal)).not.toMatch(/--|leanos /);
  });

  it("the chat says it in a sentence, with what it takes", () => {
    expect(chatRefusal(SHAPES[4]!)).toBe(
      "Not taken: outcome: report what happened. It takes for outcome: qualified, disqualified.",
    );
    expect(chatRefusal(SHAPES[2]!)).toBe("Not taken: verdict: Invalid option.");
    for (const refusal of SHAPES) expect(chatRefusal(refusal)).not.toMatch(/--|leanos /);
  });
});
