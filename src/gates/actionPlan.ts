import { addDays } from "../files/dates.js";
import type { ActionTemplate, Review } from "../stages/context.js";
import type { ActionsOutput, PlannedAction } from "../core/stageSchemas.js";
import type { FollowingCalls } from "../stages/drafter.js";

// Where a thread's action plan stands, read without changing it: the action it is at, the template
// of an action, the next check of one, the question pending about one. Pure, as the steps are.

export const isOpen = (action: PlannedAction): boolean =>
  action.status === "pending" || action.status === "in_progress" || action.status === "blocked";

/** The first check day not yet run. */
export const nextCheck = (action: PlannedAction, checks: readonly number[]): number | undefined =>
  checks.find((day) => !(action.checks_done ?? []).includes(day));

/** The action the plan is at: the first one still open. */
export const openAction = (plan: ActionsOutput): PlannedAction | undefined => plan.actions.find(isOpen);

export function templateOf(templates: ReadonlyMap<string, ActionTemplate>, type: string): ActionTemplate {
  const template = templates.get(type);
  // Checked where plans are drafted (stages/validate.ts) and routes loaded (actions/routing.ts checkRouting).
  if (!template) throw new Error(`no action template for ${type}`);
  return template;
}

export const replaced = (plan: ActionsOutput, action: PlannedAction): ActionsOutput => ({
  ...plan,
  actions: plan.actions.map((candidate) => (candidate.id === action.id ? action : candidate)),
});

/**
 * When the open action's next check is due, if it waits for one: the wait node sleeps until then.
 * Undefined when the engine should run now (no open action, no checks, or the day has come).
 */
export function checkDue(
  plan: ActionsOutput,
  templates: ReadonlyMap<string, ActionTemplate>,
  now: Date,
): { action: PlannedAction; check: number; due: string } | undefined {
  const action = openAction(plan);
  const checks = action ? templateOf(templates, action.type).action.checks_days : undefined;
  const check = action && checks ? nextCheck(action, checks) : undefined;
  if (!action || check === undefined || !action.started) return undefined;
  const due = addDays(action.started, check);
  return now.toISOString().slice(0, 10) >= due ? undefined : { action, check, due };
}

/**
 * The action the gate asks about, if any: the open one, unless it was answered already (then the
 * engine runs with the answer). A blocked action is asked again whatever was answered before: that
 * answer set it going, and it blocked since.
 */
export function actionToAsk(plan: ActionsOutput, reviews: Readonly<Record<string, Review>>): PlannedAction | undefined {
  const action = openAction(plan);
  if (!action || (reviews[action.id] && action.status !== "blocked")) return undefined;
  return action;
}

/**
 * Whether the thread's next model call comes in the same run as a step's documents (for the prompt
 * cache): after a run that settles its action, the next open action runs or is prepared at once, or,
 * with none left, the stage after the actions drafts. Preparing for a person, or a check with another
 * still to come, ends the run.
 */
export function callsAfterStep(
  step: { kind: "prepare" | "run"; action: PlannedAction; check?: number | undefined },
  plan: ActionsOutput,
  templates: ReadonlyMap<string, ActionTemplate>,
  stageAfter: boolean,
): FollowingCalls {
  if (step.kind === "prepare") return "none";
  const checks = templateOf(templates, step.action.type).action.checks_days ?? [];
  if (checks.length > 0 && step.check !== checks[checks.length - 1]) return "none";
  const after = plan.actions.slice(plan.actions.findIndex((action) => action.id === step.action.id) + 1);
  return after.some(isOpen) || stageAfter ? "thread" : "none";
}
