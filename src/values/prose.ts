import { hardName, type Values } from "./valuesFile.js";

// The constraints of strategy/values.md that code cannot check: those in prose (no measurable form),
// by the ids they were read with (H1, H2... over the hard constraints, S1... over the soft ones), so a
// model drafter's judgement names the one it judged and a gate shows which that was.

export interface ProseConstraint {
  id: string;
  tier: "hard" | "soft";
  text: string;
  /** Why it is hard, or how its keeping is evaluated. */
  detail: string;
  line: number;
}

/** The prose constraints of the value function, hard ones first. */
export function proseConstraints(values: Values | undefined): ProseConstraint[] {
  if (!values) return [];
  return [
    ...values.hard.flatMap((constraint) => {
      const { id, form, why, line } = constraint;
      return form ? [] : [{ id, tier: "hard" as const, text: hardName(constraint), detail: why, line }];
    }),
    ...values.soft.flatMap(({ id, form, text, evaluate, line }) =>
      form ? [] : [{ id, tier: "soft" as const, text, detail: evaluate, line }],
    ),
  ];
}
