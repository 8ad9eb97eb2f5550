import { addDays } from "../files/dates.js";
import { idempotencyKey } from "../stages/actionKey.js";
import { humanReasons, reportsOutcome } from "../core/policy.js";
import type { ActionRun, ActionWaits } from "../actions/executor.js";
import type { MissingInput } from "../actions/inputs.js";
import type { Review } from "../stages/context.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import type { LogEntry } from "../threads/stageFiles.js";
import { settle, type PlanChange, type PlanContext, type Settled } from "./actionOutcome.js";
import { nextCheck, openAction, replaced, templateOf } from "./actionPlan.js";

// The action engine's state machine, pure: given a thread's plan, the templates, the answers given
// at the action gate and the time, what happens next. No files, no model, no clock: the graph nodes
// (gates/actions.ts) do what a step asks (prepare material, run the action, ask, wait) and save the
// plan it returns. A step that needs I/O is asked again with what the I/O gave (`done`).

/** What the I/O a step asked for gave: the material prepared for a person, or what running the action gave. */
export type StepDone = { prepared: string[] } | { ran: ActionRun | ActionWaits; at: Date };

export interface ActionStepInput extends PlanContext {
  /** The answers given at the action gate, by action id. */
  reviews: Readonly<Record<string, Review>>;
  /** The step's time: an action starts, and its checks count, from its date. */
  now: Date;
  done?: StepDone;
}

export type ActionStep =
  /** No action is open: the plan is done, and the thread goes on. */
  | { kind: "done" }
  /** The open action is blocked on its inputs and not answered yet: the question is next, nothing changes. */
  | { kind: "ask"; action: PlannedAction }
  /** A person must act first (`reasons`, core/policy.ts): prepare their material, then call again with it. */
  | { kind: "prepare"; action: PlannedAction; reasons: string[] }
  /** Run the action (its check of day `check`), then call again with what it gave. */
  | { kind: "run"; action: PlannedAction; check?: number }
  /** The material is prepared; the action waits for a person (`reasons`). */
  | (PlanChange & { kind: "asks"; reasons: string[]; goto: "ask" })
  /** The action's next check is not due yet: it waits, durably, until `due`. */
  | (PlanChange & { kind: "scheduled"; check: number; due: string; goto: "wait" })
  /** The action ran and lacks its inputs: it is blocked, keeps what it wrote, and waits for a person. */
  | (PlanChange & { kind: "blocked"; waits: MissingInput; goto: "ask" })
  /** A check ran and more are to come. */
  | (PlanChange & { kind: "checked"; check: number; goto: "run" })
  /** The action is settled with an outcome, or archived (actionOutcome.ts). */
  | Settled;

/** Says what happens next for the thread's plan. An outcome no route of the template lists is refused (a UsageError). */
export function nextActionStep(input: ActionStepInput): ActionStep {
  const open = openAction(input.plan);
  if (!open) return { kind: "done" };
  const template = templateOf(input.templates, open.type);
  const today = input.now.toISOString().slice(0, 10);
  const action: PlannedAction = {
    ...open,
    key: open.key ?? idempotencyKey(input.thread, open),
    started: open.started ?? today,
  };
  const review = input.reviews[open.id];
  // Blocked on its inputs and not answered yet (an answer sets it going again): the question is next.
  if (open.status === "blocked") return { kind: "ask", action: open };
  const reasons = humanReasons(template);
  if (reasons.length > 0 && !review) return prepared(input, open, action, reasons);
  if (review?.answer === "reject") {
    const outcome = "rejected" in template.action.outcomes ? "rejected" : undefined;
    const note = `rejected by ${review.by}: ${review.reason}`;
    return settle(input, action, outcome, { note }, "archived", input.now);
  }
  if (reportsOutcome(template)) {
    // The person reported the outcome with their answer (checked against the template then).
    const outcome = review!.outcome ?? Object.keys(template.action.outcomes)[0]!;
    return settle(input, action, outcome, {}, "completed", input.now);
  }
  // Asked because it lacked its inputs, the person gave the result themselves: it stands, and the
  // action is done (checks not yet run are not run).
  if (review?.outcome) return settle(input, action, review.outcome, {}, "completed", input.now);
  if (template.action.checks_days) return checkStep(input, open, action, template.action.checks_days);
  if (!input.done) return { kind: "run", action };
  const { ran, at } = ranOf(input.done);
  if ("waits" in ran) return blocked(input, action, ran, "", at);
  const receipt = ran.receipts[0];
  const sent = receipt
    ? `; ${ran.receipts.length} send(s) via ${receipt.connector}${receipt.status === "dry-run" ? " (dry run)" : ""}`
    : "";
  const step = settle(input, action, ran.outcome, { artifacts: ran.artifacts }, "completed", at);
  const entry = {
    at: input.now.toISOString(),
    action_id: action.id,
    event: `ran: ${ran.artifacts.length} artifact(s)${sent}`,
  };
  return { ...step, entries: [entry, ...step.entries] };
}

function ranOf(done: StepDone): { ran: ActionRun | ActionWaits; at: Date } {
  if (!("ran" in done)) throw new Error("the step asked to run the action, and was given prepared material");
  return done;
}

/** Before a person acts: what they need is prepared first (I/O), and then the action waits for them. */
function prepared(input: ActionStepInput, open: PlannedAction, action: PlannedAction, reasons: string[]): ActionStep {
  if (!input.done) return { kind: "prepare", action, reasons };
  if (!("prepared" in input.done)) throw new Error("the step asked to prepare material, and was given a run");
  const artifacts = input.done.prepared;
  const waiting: PlannedAction = { ...action, status: "in_progress", artifacts };
  const entries: LogEntry[] = open.artifacts
    ? []
    : [
        {
          at: input.now.toISOString(),
          action_id: action.id,
          event: `material prepared (${artifacts.length} file(s)); waits for a human`,
        },
      ];
  return { kind: "asks", action: waiting, reasons, plan: replaced(input.plan, waiting), entries, goto: "ask" };
}

/** An action with checks runs on each check day (counted from its start), and completes after the last. */
function checkStep(
  input: ActionStepInput,
  open: PlannedAction,
  action: PlannedAction,
  checks: readonly number[],
): ActionStep {
  const at = input.now.toISOString();
  const check = nextCheck(action, checks)!;
  const due = addDays(action.started!, check);
  if (at.slice(0, 10) < due) {
    const scheduled: PlannedAction = { ...action, status: "in_progress" };
    const first = (open.checks_done ?? []).length === 0 && !open.started;
    const event = `scheduled: day-${checks.join(", day-")} checks from ${action.started}`;
    const entries: LogEntry[] = first ? [{ at, action_id: action.id, event }] : [];
    return {
      kind: "scheduled",
      action: scheduled,
      check,
      due,
      plan: replaced(input.plan, scheduled),
      entries,
      goto: "wait",
    };
  }
  if (!input.done) return { kind: "run", action, check };
  const { ran, at: ended } = ranOf(input.done);
  if ("waits" in ran) return blocked(input, action, ran, `day-${check} check `, ended);
  const checked: PlannedAction = {
    ...action,
    status: "in_progress",
    checks_done: [...(action.checks_done ?? []), check],
    artifacts: [...new Set([...(action.artifacts ?? []), ...ran.artifacts])],
  };
  const entry: LogEntry = { at, action_id: action.id, event: `day-${check} check ran: ${ran.artifacts.join(", ")}` };
  if (nextCheck(checked, checks) !== undefined)
    return {
      kind: "checked",
      action: checked,
      check,
      plan: replaced(input.plan, checked),
      entries: [entry],
      goto: "run",
    };
  const step = settle(input, checked, ran.outcome, {}, "completed", ended);
  return { ...step, entries: [entry, ...step.entries] };
}

/** The action lacks its inputs: it is blocked, keeps what it wrote for the person, and asks them. */
function blocked(input: ActionStepInput, action: PlannedAction, ran: ActionWaits, what: string, at: Date): ActionStep {
  const waiting: PlannedAction = {
    ...action,
    status: "blocked",
    artifacts: [...new Set([...(action.artifacts ?? []), ...ran.artifacts])],
  };
  const entry: LogEntry = {
    at: at.toISOString(),
    action_id: action.id,
    event: `${what}waits for a person: ${ran.waits.reason}`,
  };
  return {
    kind: "blocked",
    action: waiting,
    waits: ran.waits,
    plan: replaced(input.plan, waiting),
    entries: [entry],
    goto: "ask",
  };
}
