import { showCriterion } from "../goals/criterion.js";
import { describeForm } from "../values/measurable.js";
import { precedentsFor } from "../values/offlineNote.js";
import { proseConstraints } from "../values/prose.js";
import type { StageContext } from "../stages/context.js";
import { render } from "./prompt.js";

// The blocks of a stage's request that carry what the workspace set out to do and what it holds to:
// its active goals (for the input stage, which links the event to one) and its value function (for a
// node whose graph entry uses the values check). Each sits after the thread's history, just before the
// request: a workspace without goals or values sends the request as it was.

/** The most precedents a request lists: those that bear on the event first, then the latest. */
const PRECEDENTS_SHOWN = 12;

/** A block of the user message (layout.ts's TextBlock, never a cache breakpoint). */
type Block = { text: string };

/** The active goals, for the input stage (none where the workspace has none). */
export function goalsBlock(context: StageContext): Block[] {
  if (context.skill.stage.output !== "input" || !context.goals || context.goals.length === 0) return [];
  const goals = context.goals.map((goal) => ({
    id: goal.front.id,
    title: goal.title,
    criteria: goal.criteria.map((line) => showCriterion(line.criterion)).join(", "),
    deadline: goal.front.deadline,
    subgoals: goal.subgoals.map((subgoal) => `${subgoal.id} ${subgoal.title}`).join(", "),
  }));
  return [{ text: render("goals", { goals }) }];
}

/** The value function, for a decision drafted where it is checked: its prose to judge, the rest to heed. */
export function valuesBlock(context: StageContext): Block[] {
  const values = context.values;
  if (context.skill.stage.output !== "decision" || !values) return [];
  const prose = proseConstraints(values);
  if (prose.length === 0 && values.precedents.length === 0) return [];
  const measured = [
    ...values.hard.flatMap((constraint) => (constraint.form ? [`hard: ${describeForm(constraint.form)}`] : [])),
    ...values.soft.flatMap((constraint) => (constraint.form ? [`soft: ${constraint.text}`] : [])),
  ];
  const bearing = precedentsFor(values, context.type, context.event.text);
  const precedents = [...bearing, ...[...values.precedents].reverse().filter((p) => !bearing.includes(p))].slice(
    0,
    PRECEDENTS_SHOWN,
  );
  return [
    {
      text: render("values", {
        prose_hard: prose.filter((constraint) => constraint.tier === "hard"),
        prose_soft: prose.filter((constraint) => constraint.tier === "soft"),
        measured,
        tradeoffs: values.tradeoffs.map((tradeoff) => tradeoff.text),
        precedents,
      }),
    },
  ];
}
