import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLOSING_STATES } from "../src/actions/routing.js";
import { humanReasons, needsHuman, reportsOutcome, sendsOut } from "../src/core/policy.js";
import type { Review } from "../src/core/review.js";
import type { ActionsOutput, PlannedAction } from "../src/core/stageSchemas.js";
import { addDays } from "../src/files/dates.js";
import type { Settled, TitleView } from "../src/gates/actionOutcome.js";
import { actionToAsk, checkDue } from "../src/gates/actionPlan.js";
import { nextActionStep, type ActionStep, type ActionStepInput, type StepDone } from "../src/gates/actionSteps.js";
import { actionTemplates, loadSkills } from "../src/skills/loader.js";
import { idempotencyKey } from "../src/stages/actionKey.js";
import type { ActionTemplate } from "../src/stages/context.js";
import { repoRoot } from "./helpers.js";

// The action engine's next step, as a specification: for a thread's plan, the tool's own action
// templates (skills/actions/*), a person's answer at the action gate (or none) and the time, which
// action runs, which waits for a person and why, where each outcome leads and what it adds, and when
// the plan is done. In the process: no CLI, no files, no model.

const templates = actionTemplates(await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]));
const templateOf = (type: string): ActionTemplate => templates.get(type)!;

const THREAD = "sales/acme-demo-request";
const NOW = new Date("2026-03-02T09:00:00.000Z");
const TODAY = "2026-03-02";
/** A follow-up's title is rendered with the thread's facts (actions/view.ts); these are Acme's. */
const titleView: TitleView = () => ({ org: "Acme", title: "Acme asks for a demo", segment: "smb" });

function planned(type: string, fields: Partial<PlannedAction> = {}): PlannedAction {
  const template = templateOf(type);
  return {
    id: "act-1",
    type,
    title: `${type} for Acme`,
    owner: template.action.owner,
    human_required: needsHuman(template),
    due: "2026-03-09",
    status: "pending",
    ...fields,
  };
}

const planOf = (...actions: PlannedAction[]): ActionsOutput => ({ actions, summary: "What the decision planned." });

function next(plan: ActionsOutput, given: Partial<ActionStepInput> = {}): ActionStep {
  return nextActionStep({ thread: THREAD, plan, templates, reviews: {}, now: NOW, titleView, ...given });
}

/** What running the action gave: its outcome and the documents it wrote. */
const ran = (outcome: string, artifacts = ["artifacts/sales/acme-demo-request/report.md"]): StepDone => ({
  ran: { key: "k", outcome, artifacts, receipts: [], at: NOW.toISOString() },
  at: NOW,
});
const accepted: Review = { answer: "accept", by: "bella", at: "2026-03-02T08:00:00.000Z" };
const reported = (outcome: string): Review => ({ ...accepted, answer: "edit", outcome });
const rejected: Review = { answer: "reject", by: "bella", at: "2026-03-02T08:00:00.000Z", reason: "too early" };

function expectKind<K extends ActionStep["kind"]>(step: ActionStep, kind: K): Extract<ActionStep, { kind: K }> {
  expect(step.kind).toBe(kind);
  return step as Extract<ActionStep, { kind: K }>;
}

/**
 * Takes an action of `type` to `outcome` as the engine does: a person answers where one must (a
 * human-owned action's answer reports the outcome; any other is approved), and the AI runs it where
 * it runs. An action with checks settles at its last check, once its day has come.
 */
function settleWith(type: string, outcome: string): Settled {
  const template = templateOf(type);
  const checks = template.action.checks_days;
  const action = checks
    ? planned(type, {
        status: "in_progress",
        started: addDays(TODAY, -checks.at(-1)!),
        checks_done: checks.slice(0, -1),
      })
    : planned(type);
  const plan = planOf(action);
  const reviews: Record<string, Review> = needsHuman(template)
    ? { "act-1": reportsOutcome(template) ? reported(outcome) : accepted }
    : {};
  let step = next(plan, { reviews });
  if (step.kind === "run") step = next(plan, { reviews, done: ran(outcome) });
  return expectKind(step, "settled");
}

const leadsTo = (target: string): string =>
  target === "learning"
    ? "hands the thread to learning"
    : (CLOSING_STATES as readonly string[]).includes(target)
      ? `closes the chain as ${target}`
      : `adds a ${target} action`;

describe("every outcome of every action template leads where the template routes it", () => {
  it("reads the tool's twelve action templates, each with its outcomes", () => {
    expect(templates.size).toBe(12);
    for (const template of templates.values()) expect(Object.keys(template.action.outcomes).length).toBeGreaterThan(0);
  });

  for (const template of templates.values()) {
    const type = template.action.type;
    describe(type, () => {
      for (const [outcome, target] of Object.entries(template.action.outcomes)) {
        it(`"${outcome}" completes it and ${leadsTo(target)}`, () => {
          const settled = settleWith(type, outcome);
          expect(settled.action).toMatchObject({ id: "act-1", status: "completed", outcome });
          expect(settled.outcome).toBe(outcome);
          expect(settled.goto).toBe("run");
          const completed = settled.entries.find(
            (entry) => entry.action_id === "act-1" && /completed/.test(entry.event),
          );
          if (target === "learning") {
            expect(settled.route).toEqual({ kind: "learning" });
            expect(settled.action.closing).toBeUndefined();
            expect(settled.added).toBeUndefined();
            expect(settled.plan.actions).toHaveLength(1);
            expect(completed?.event).toBe(`completed with outcome "${outcome}" -> learning`);
          } else if ((CLOSING_STATES as readonly string[]).includes(target)) {
            expect(settled.route).toEqual({ kind: "closed", state: target });
            expect(settled.action.closing).toBe(target);
            expect(settled.added).toBeUndefined();
            expect(settled.plan.actions).toHaveLength(1);
            expect(completed?.event).toBe(`completed with outcome "${outcome}" -> ${target}`);
          } else {
            const following = templateOf(target);
            expect(settled.route).toEqual({ kind: "action", type: target });
            expect(settled.added).toMatchObject({
              id: "act-2",
              type: target,
              follows: "act-1",
              status: "pending",
              owner: following.action.owner,
              human_required: needsHuman(following),
              started: TODAY,
              due: addDays(TODAY, following.action.duration_days),
            });
            expect(settled.added!.key).toBe(idempotencyKey(THREAD, { ...settled.added!, key: undefined }));
            expect(settled.plan.actions.map((action) => action.id)).toEqual(["act-1", "act-2"]);
            expect(completed?.event).toBe(`completed with outcome "${outcome}" -> ${target} (act-2)`);
            expect(settled.entries.at(-1)).toEqual({
              at: NOW.toISOString(),
              action_id: "act-2",
              event: `planned after act-1; ${needsHuman(following) ? "waits for a human" : "queued for the AI executor"}`,
            });
          }
        });
      }
    });
  }
});

describe("who acts first: the approval policy (core/policy.ts) decides", () => {
  for (const template of templates.values()) {
    const type = template.action.type;
    const { owner, executor, human_required } = template.action;
    const why = `owner ${owner}${executor ? `, executor ${executor}` : ""}, human_required ${human_required}`;
    it(`${type} (${why}) ${needsHuman(template) ? "waits for a person, with their material prepared" : "runs without a person"}`, () => {
      const step = next(planOf(planned(type)));
      if (!needsHuman(template)) {
        // An action with checks waits for its first check's day instead; it is the AI's all the same.
        expect(step.kind).toBe(template.action.checks_days ? "scheduled" : "run");
        return;
      }
      const prepare = expectKind(step, "prepare");
      expect(prepare.reasons).toEqual(humanReasons(template));
      if (owner === "human") expect(prepare.reasons).toContain("a person carries it out and reports its outcome");
      if (executor === "send") expect(prepare.reasons).toContain("it sends to customers");
    });
  }

  it("a send waits for a person even when its template says no person is needed", () => {
    const publish = templateOf("marketing:publish");
    const unguarded = { ...publish, action: { ...publish.action, human_required: false } };
    expect(sendsOut(unguarded)).toBe(true);
    const step = next(planOf(planned("marketing:publish")), {
      templates: new Map([...templates, ["marketing:publish", unguarded]]),
    });
    expect(expectKind(step, "prepare").reasons).toEqual(["it sends to customers"]);
  });

  it("an action needing a person gets its material, then waits at the question", () => {
    const plan = planOf(planned("sales:qualify"));
    const prepare = expectKind(next(plan), "prepare");
    // Started today and keyed once, so a resume or a second process finds the same action.
    expect(prepare.action).toMatchObject({ started: TODAY, key: idempotencyKey(THREAD, plan.actions[0]!) });
    const material = ["artifacts/sales/acme-demo-request/call-script.md"];
    const asks = expectKind(next(plan, { done: { prepared: material } }), "asks");
    expect(asks.goto).toBe("ask");
    expect(asks.action).toMatchObject({ id: "act-1", status: "in_progress", artifacts: material, started: TODAY });
    expect(asks.plan.actions).toEqual([asks.action]);
    expect(asks.entries).toEqual([
      { at: NOW.toISOString(), action_id: "act-1", event: "material prepared (1 file(s)); waits for a human" },
    ]);
  });

  it("material prepared before (a question asked again) is not logged twice", () => {
    const plan = planOf(planned("sales:qualify", { status: "in_progress", artifacts: ["call-script.md"] }));
    expect(expectKind(next(plan, { done: { prepared: ["call-script.md"] } }), "asks").entries).toEqual([]);
  });

  it("an approved send runs, and its receipts are logged", () => {
    const plan = planOf(planned("marketing:publish", { status: "in_progress", artifacts: ["blog.md"] }));
    const reviews = { "act-1": accepted };
    expect(expectKind(next(plan, { reviews }), "run").action.id).toBe("act-1");
    const receipts = [{ connector: "outbox", channel: "blog", status: "dry-run" as const, ref: "outbox/k-blog.json" }];
    const done: StepDone = {
      ran: { key: "k", outcome: "published", artifacts: ["blog.md", "distribution-record.yaml"], receipts, at: "" },
      at: NOW,
    };
    const settled = expectKind(next(plan, { reviews, done }), "settled");
    expect(settled.action.artifacts).toEqual(["blog.md", "distribution-record.yaml"]);
    expect(settled.entries[0]!.event).toBe("ran: 2 artifact(s); 1 send(s) via outbox (dry run)");
    expect(settled.added?.type).toBe("marketing:promote");
  });

  it("a follow-up's title is its template's, written with the thread's facts", () => {
    const settled = settleWith("sales:demo", "ready-to-buy");
    expect(settled.added).toMatchObject({ type: "sales:close", title: "Contract with Acme", due: "2026-03-09" });
  });
});

describe("a rejected action is archived", () => {
  it("with its template's `rejected` outcome when it has one, which routes on", () => {
    const plan = planOf(planned("marketing:publish", { status: "in_progress", artifacts: ["blog.md"] }));
    const settled = expectKind(next(plan, { reviews: { "act-1": rejected } }), "settled");
    expect(settled.action).toMatchObject({
      status: "archived",
      outcome: "rejected",
      note: "rejected by bella: too early",
    });
    expect(settled.route).toEqual({ kind: "learning" });
    expect(settled.entries.map((entry) => entry.event)).toEqual(['archived with outcome "rejected" -> learning']);
  });

  it("without an outcome when its template lists none for it: nothing follows", () => {
    const settled = expectKind(next(planOf(planned("sales:qualify")), { reviews: { "act-1": rejected } }), "settled");
    expect(settled.action).toMatchObject({ status: "archived", note: "rejected by bella: too early" });
    expect(settled.action.outcome).toBeUndefined();
    expect(settled.route).toBeUndefined();
    expect(settled.plan.actions).toHaveLength(1);
    expect(settled.entries.map((entry) => entry.event)).toEqual(["archived without an outcome"]);
  });
});

describe("an outcome the template does not route is refused", () => {
  it("when a person reports it", () => {
    expect(() => next(planOf(planned("sales:qualify")), { reviews: { "act-1": reported("maybe") } })).toThrow(
      'outcome "maybe" is not listed by sales:qualify (its outcomes: qualified, disqualified)',
    );
  });

  it("when a run gives it", () => {
    expect(() => next(planOf(planned("marketing:research")), { done: ran("viral") })).toThrow(
      'outcome "viral" is not listed by marketing:research',
    );
  });

  it("a human-owned action answered without an outcome completes with its first", () => {
    const settled = expectKind(next(planOf(planned("sales:close")), { reviews: { "act-1": accepted } }), "settled");
    expect(settled.outcome).toBe("won");
  });
});

describe("an AI action that lacks its inputs", () => {
  const waits = { reason: "no ICP to score the lead against", add: "add research/customer/icp/smb-icp.yaml" };

  it("is blocked, keeps what it wrote, and waits for a person", () => {
    const plan = planOf(planned("sales:lead-intake"));
    const done: StepDone = { ran: { waits, artifacts: ["lead.md"] }, at: NOW };
    const blocked = expectKind(next(plan, { done }), "blocked");
    expect(blocked).toMatchObject({ goto: "ask", waits });
    expect(blocked.action).toMatchObject({ status: "blocked", artifacts: ["lead.md"] });
    expect(blocked.entries[0]!.event).toBe("waits for a person: no ICP to score the lead against");
  });

  it("is asked about until a person answers; nothing changes meanwhile", () => {
    const plan = planOf(planned("sales:lead-intake", { status: "blocked", started: TODAY }));
    expect(next(plan)).toEqual({ kind: "ask", action: plan.actions[0] });
    expect(actionToAsk(plan, {})).toBe(plan.actions[0]);
  });

  it("completes with the outcome a person reports for it instead", () => {
    const plan = planOf(planned("sales:lead-intake", { status: "in_progress", started: TODAY }));
    const settled = expectKind(next(plan, { reviews: { "act-1": reported("poor-fit") } }), "settled");
    expect(settled).toMatchObject({ outcome: "poor-fit", route: { kind: "closed", state: "disqualified" } });
  });

  it("runs again once a person says its inputs are there", () => {
    const plan = planOf(planned("sales:lead-intake", { status: "in_progress", started: TODAY }));
    expect(next(plan, { reviews: { "act-1": accepted } }).kind).toBe("run");
  });
});

describe("an action with checks (marketing:measure: days 7 and 30)", () => {
  const measure = (fields: Partial<PlannedAction> = {}) => planOf(planned("marketing:measure", fields));

  it("is scheduled from today, and waits for its first check's day", () => {
    const scheduled = expectKind(next(measure()), "scheduled");
    expect(scheduled).toMatchObject({ check: 7, due: "2026-03-09", goto: "wait" });
    expect(scheduled.action).toMatchObject({ status: "in_progress", started: TODAY });
    expect(scheduled.entries.map((entry) => entry.event)).toEqual([`scheduled: day-7, day-30 checks from ${TODAY}`]);
    expect(checkDue(scheduled.plan, templates, NOW)).toMatchObject({ check: 7, due: "2026-03-09" });
  });

  it("runs its check on the day, and runs on while checks remain", () => {
    const plan = measure({ status: "in_progress", started: "2026-02-23" });
    expect(checkDue(plan, templates, NOW)).toBeUndefined();
    expect(next(plan)).toMatchObject({ kind: "run", check: 7 });
    const checked = expectKind(next(plan, { done: ran("measured", ["day7.md"]) }), "checked");
    expect(checked).toMatchObject({ check: 7, goto: "run" });
    expect(checked.action).toMatchObject({ status: "in_progress", checks_done: [7], artifacts: ["day7.md"] });
    expect(checked.entries.map((entry) => entry.event)).toEqual(["day-7 check ran: day7.md"]);
    // The next check is 23 days off: the engine waits again, without a new log line.
    expect(expectKind(next(checked.plan), "scheduled")).toMatchObject({ check: 30, due: "2026-03-25", entries: [] });
  });

  it("completes after its last check", () => {
    const plan = measure({ status: "in_progress", started: "2026-01-31", checks_done: [7], artifacts: ["day7.md"] });
    const settled = expectKind(next(plan, { done: ran("measured", ["day30.md"]) }), "settled");
    expect(settled.action).toMatchObject({
      status: "completed",
      checks_done: [7, 30],
      artifacts: ["day7.md", "day30.md"],
    });
    expect(settled.entries.map((entry) => entry.event)).toEqual([
      "day-30 check ran: day30.md",
      'completed with outcome "measured" -> learning',
    ]);
  });
});

describe("the end of the plan", () => {
  it("is reached when no action is open: the thread goes on", () => {
    const plan = planOf(
      planned("sales:qualify", { status: "completed", outcome: "qualified" }),
      planned("sales:demo", { id: "act-2", status: "archived" }),
    );
    expect(next(plan)).toEqual({ kind: "done" });
    expect(actionToAsk(plan, {})).toBeUndefined();
    expect(checkDue(plan, templates, NOW)).toBeUndefined();
  });

  it("follows a closing outcome", () => {
    const settled = settleWith("sales:close", "won");
    expect(next(settled.plan)).toEqual({ kind: "done" });
  });

  it("waits while a follow-up is open: the next step is the follow-up's", () => {
    const settled = settleWith("sales:qualify", "qualified");
    expect(next(settled.plan)).toMatchObject({ kind: "prepare", action: { id: "act-2", type: "sales:demo" } });
  });
});

describe("the step is pure", () => {
  it("gives the same step for the same input, and changes nothing it was given", () => {
    const plan = planOf(planned("sales:demo"));
    const frozen = structuredClone(plan);
    const input = { reviews: { "act-1": reported("ready-to-buy") } };
    expect(next(plan, input)).toEqual(next(plan, input));
    expect(plan).toEqual(frozen);
  });

  it("an answered action is not asked about again; the engine runs with the answer", () => {
    const plan = planOf(planned("sales:demo", { status: "in_progress" }));
    expect(actionToAsk(plan, { "act-1": accepted })).toBeUndefined();
    expect(actionToAsk(plan, {})).toBe(plan.actions[0]);
  });
});
