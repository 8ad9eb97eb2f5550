import type { ValuesCheck } from "../core/stageSchemas.js";
import { proseConstraints, type ProseConstraint } from "./prose.js";
import type { Values } from "./valuesFile.js";

// What a decision's gate makes of the value function's constraints in prose. Code cannot check them,
// and a drafter's judgement of them is never trusted alone:
// - a decision that commits actions while a hard constraint is in prose waits for a person, with the
//   drafter's judgement of it (holds, breaks, unsure, or not judged at all: the offline drafter judges
//   none) shown as the reason, whatever that judgement says;
// - a soft constraint the drafter judges broken, or is unsure of, has the decision wait (a low score
//   flags it to a person); one it judges kept is shown, and moves no score;
// - a verdict other than EXECUTE (LeanOS's EXECUTE+FLAG, ESCALATE, BLOCK) on a decision that commits
//   actions has it wait with its reason.

export interface ProseJudgement {
  /** Why the decision waits for a person, each a reason of its own. */
  waits: string[];
  /** Each prose constraint with the drafter's judgement, as the gate and the decision's file show it. */
  shown: string[];
}

const HOLDS: Record<"yes" | "no" | "unsure", string> = {
  yes: "holds",
  no: "breaks it",
  unsure: "is unsure whether it holds",
};

const named = (constraint: ProseConstraint, file: string): string =>
  `${constraint.id} "${constraint.text}" (${file}:${constraint.line})`;

type Judged = ValuesCheck["judged"][number];

/** The drafter's word on one constraint, or that it gave none. */
function saidOf(judged: Judged | undefined, drafter: string): string {
  return judged
    ? `the drafter judged it ${HOLDS[judged.holds]}: ${judged.reason}`
    : `no drafter judged it${drafter === "offline" ? " (the offline drafter judges only what code can measure)" : ""}`;
}

export function proseJudgement(
  values: Values | undefined,
  decision: { committing: boolean; check: ValuesCheck | undefined; drafter: string },
): ProseJudgement | undefined {
  const prose = proseConstraints(values);
  if (!values || prose.length === 0) return undefined;
  const { check, drafter } = decision;
  const judgement: ProseJudgement = { waits: [], shown: [] };
  for (const constraint of prose) {
    const judged = check?.judged.find((entry) => entry.constraint === constraint.id);
    const said = saidOf(judged, drafter);
    judgement.shown.push(`${constraint.tier} ${named(constraint, values.file)}: ${said}`);
    const holds = judged?.holds;
    if (constraint.tier === "hard" && decision.committing)
      judgement.waits.push(
        `it commits actions under the hard constraint in prose ${named(constraint, values.file)}, which code cannot check: ${said}; a person confirms`,
      );
    if (constraint.tier === "soft" && (holds === "no" || holds === "unsure"))
      judgement.waits.push(`the soft constraint ${named(constraint, values.file)} may be broken: ${said}`);
  }
  if (check && check.verdict !== "EXECUTE" && decision.committing)
    judgement.waits.push(`the drafter's values verdict is ${check.verdict}: ${check.reason}`);
  return judgement;
}
