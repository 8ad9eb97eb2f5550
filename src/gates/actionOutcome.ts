import { renderTitle } from "../files/plainTemplate.js";
import { addDays } from "../files/dates.js";
import { idempotencyKey } from "../stages/actionKey.js";
import { needsHuman } from "../core/policy.js";
import { routeOutcome, type Route } from "../actions/routing.js";
import type { ActionTemplate } from "../stages/context.js";
import type { ActionsOutput, PlannedAction } from "../core/stageSchemas.js";
import type { LogEntry } from "../threads/stageFiles.js";
import { replaced, templateOf } from "./actionPlan.js";

// An action's outcome, applied: the action completes (or is archived), and the outcome's route, as
// its template lists it, closes the chain, hands the thread to learning, or adds the next action.

/** The data a follow-up action's title is rendered with (actions/view.ts actionView, for the thread). */
export type TitleView = (
  action: PlannedAction,
  template: ActionTemplate,
  plan: readonly PlannedAction[],
) => Record<string, unknown>;

/** What applying an outcome reads: the plan, the templates, and how a follow-up's title is written. */
export interface PlanContext {
  /** The thread, whose name keys each action (stages/actionKey.ts). */
  thread: string;
  plan: ActionsOutput;
  templates: ReadonlyMap<string, ActionTemplate>;
  titleView: TitleView;
}

/** The plan changed: the engine saves it with the log entries and goes on to `goto`. */
export interface PlanChange {
  /** The open action as it stands after the step. */
  action: PlannedAction;
  plan: ActionsOutput;
  entries: LogEntry[];
  goto: "run" | "ask" | "wait";
}

/**
 * The action is settled: completed with an outcome, or archived (rejected). The outcome's `route`
 * may add the next action (`added`); the engine runs again, for it or whatever is open.
 */
export interface Settled extends PlanChange {
  kind: "settled";
  outcome?: string;
  route?: Route;
  added?: PlannedAction;
  goto: "run";
}

/** Applies an outcome: the action completes (or is archived) and its route may add the next action. */
export function settle(
  input: PlanContext,
  action: PlannedAction,
  outcome: string | undefined,
  changes: Partial<PlannedAction>,
  status: "completed" | "archived",
  when: Date,
): Settled {
  const at = when.toISOString();
  const done: PlannedAction = { ...action, ...changes, status, ...(outcome ? { outcome } : {}) };
  if (!outcome) {
    const entries = [{ at, action_id: action.id, event: "archived without an outcome" }];
    return { kind: "settled", action: done, plan: replaced(input.plan, done), entries, goto: "run" };
  }
  const route = routeOutcome(templateOf(input.templates, action.type), outcome);
  if (route.kind === "closed") done.closing = route.state;
  const added = route.kind === "action" ? followUp(input, action, route.type, at) : undefined;
  const leads =
    route.kind === "action" ? `${route.type} (${added!.id})` : route.kind === "closed" ? route.state : "learning";
  const entries: LogEntry[] = [
    {
      at,
      action_id: action.id,
      event: `${status === "archived" ? "archived" : "completed"} with outcome "${outcome}" -> ${leads}`,
    },
  ];
  if (added) {
    const who = added.human_required ? "waits for a human" : "queued for the AI executor";
    entries.push({ at, action_id: added.id, event: `planned after ${action.id}; ${who}` });
  }
  const plan = replaced(input.plan, done);
  return {
    kind: "settled",
    action: done,
    outcome,
    route,
    ...(added ? { added } : {}),
    plan: added ? { ...plan, actions: [...plan.actions, added] } : plan,
    entries,
    goto: "run",
  };
}

/** The action an outcome's route adds: due after its template's duration, counted from today. */
function followUp(input: PlanContext, after: PlannedAction, type: string, at: string): PlannedAction {
  const template = templateOf(input.templates, type);
  const added: PlannedAction = {
    id: `act-${input.plan.actions.length + 1}`,
    type,
    title: renderTitle(template.action.title ?? "{{title}}", input.titleView(after, template, input.plan.actions)),
    owner: template.action.owner,
    human_required: needsHuman(template),
    due: addDays(at.slice(0, 10), template.action.duration_days),
    status: "pending",
    follows: after.id,
    started: at.slice(0, 10),
  };
  return { ...added, key: idempotencyKey(input.thread, added) };
}
