import { needsHuman } from "../../core/policy.js";
import type { StageContext } from "../../stages/context.js";
import type { ActionsOutput } from "../../core/stageSchemas.js";
import { addDays } from "../../files/dates.js";
import { before, builtOn } from "./stageBasis.js";

// The actions stage by rules: the decision's actions in order, each due when its template's duration
// after the one before it ends, with the owner its template gives and whether it waits as the approval
// policy says (core/policy.ts).

export function draftActions(context: StageContext): ActionsOutput {
  const decision = context.outputs.decision;
  const rejected = Object.entries(context.reviews).some(([, review]) => review.answer === "reject");
  const planned = rejected ? [] : (decision?.actions ?? []);
  let due = context.today;
  const actions = planned.map((action, index) => {
    const template = context.actionTemplates.get(action.type);
    due = addDays(due, template?.action.duration_days ?? 7);
    return {
      id: `act-${index + 1}`,
      type: action.type,
      title: action.title,
      owner: template?.action.owner ?? "human",
      // A type with no template waits for a person.
      human_required: template ? needsHuman(template) : true,
      due,
      status: "pending" as const,
    };
  });
  const waiting = actions.filter((action) => action.human_required).length;
  const summary = rejected
    ? "The decision was rejected at review, so no actions are planned."
    : actions.length === 0
      ? `The decision (${decision?.verdict ?? "none"}) plans no actions.`
      : `${actions.length} action(s) planned; ${waiting} need a human before they run.`;
  return { actions, summary, ...builtOn(context, before("actions")) };
}
