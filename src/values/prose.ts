import { measurableForm } from "./measurable.js";
import type { Values } from "./valuesFile.js";

// The constraints of strategy/values.md that code cannot check: those in prose. Each has an id by its
// tier and place (H1, H2... over the hard constraints, S1, S2... over the soft ones, in file order), so
// a model drafter's judgement names the one it judged and a gate shows which that was.

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
  // Whether a constraint has a measurable form does not depend on the currency it is read in.
  const hard = values.hard.flatMap((constraint, index) =>
    constraint.form
      ? []
      : [
          {
            id: `H${index + 1}`,
            tier: "hard" as const,
            text: constraint.domain ? `${constraint.domain}: ${constraint.text}` : constraint.text,
            detail: constraint.why,
            line: constraint.line,
          },
        ],
  );
  const soft = values.soft.flatMap((constraint, index) =>
    measurableForm(constraint.text, "USD")
      ? []
      : [
          {
            id: `S${index + 1}`,
            tier: "soft" as const,
            text: constraint.text,
            detail: constraint.evaluate,
            line: constraint.line,
          },
        ],
  );
  return [...hard, ...soft];
}

/** Every constraint's id with where it is, for `leanos values` and a gate's lines. */
export const constraintIds = (values: Values): Map<number, string> =>
  new Map([
    ...values.hard.map((constraint, index) => [constraint.line, `H${index + 1}`] as const),
    ...values.soft.map((constraint, index) => [constraint.line, `S${index + 1}`] as const),
  ]);
