import type { GoalAutonomy } from "../goals/goalFile.js";
import { workspaceCurrency } from "../text/money.js";
import { softScore, type SoftScore } from "../values/soft.js";
import { proseJudgement, type ProseJudgement } from "../values/judgement.js";
import { committing } from "../actions/valuesGate.js";
import type { ActionTemplate } from "../stages/context.js";
import type { GraphEnvironment } from "./environment.js";
import type { GoalLink } from "../core/stageSchemas.js";
import { outputsBySchema, type GraphSpec } from "./spec.js";
import type { ThreadGraphState } from "./state.js";

// What a decision's gate reads of the goals and the value function: the goal the thread serves (its
// autonomy may tighten the gate), the decision's score against the soft constraints, and what its
// drafter judged of the constraints in prose.

/** The goal link of a thread's input (null: linked to none; undefined: the workspace had no goals). */
export function inputGoalLink(
  spec: GraphSpec,
  outputs: ThreadGraphState["outputs"] | undefined,
): GoalLink | null | undefined {
  return (outputsBySchema(spec, outputs ?? {}).input as { goal?: GoalLink | null } | undefined)?.goal;
}

/** The active goal the thread serves, with its autonomy (the link is the input's, checked when drafted). */
export function servedGoal(
  env: GraphEnvironment,
  state: ThreadGraphState,
): { id: string; autonomy: GoalAutonomy } | undefined {
  const link = inputGoalLink(env.spec, state.outputs);
  const goal = link ? env.goals?.find((candidate) => candidate.front.id === link.id) : undefined;
  return goal ? { id: goal.front.id, autonomy: goal.front.autonomy } : undefined;
}

/** The decision against the soft constraints: what the event and the decision say (values/soft.ts). */
export function decisionSoftScore(env: GraphEnvironment, state: ThreadGraphState, now: Date): SoftScore | undefined {
  const decision = outputsBySchema(env.spec, state.outputs).decision;
  const texts = [
    state.event.text,
    ...(decision
      ? [decision.statement, ...decision.actions.map((action) => action.title), ...decision.scope.includes]
      : []),
  ];
  const home = env.workspace.config.currency ?? workspaceCurrency(env.canvas);
  return softScore(env.values, { texts, sends: false, now }, home);
}

/** The decision against the constraints in prose: what its drafter judged, and why it waits (values/judgement.ts). */
export function decisionJudgement(
  env: GraphEnvironment,
  state: ThreadGraphState,
  templates: ReadonlyMap<string, ActionTemplate>,
): ProseJudgement | undefined {
  const decision = outputsBySchema(env.spec, state.outputs).decision;
  if (!decision) return undefined;
  // An action type no template names any more commits as far as anyone can tell.
  const commits = decision.actions.some((action) => {
    const template = templates.get(action.type);
    return template === undefined || committing(template);
  });
  return proseJudgement(env.values, {
    committing: commits,
    check: decision.values_check,
    drafter: env.drafter.provider,
  });
}
