import type { Precedent } from "./precedent.js";
import { proseConstraints } from "./prose.js";
import type { Values } from "./valuesFile.js";

// What the offline drafter says of the value function in a decision it drafts: it weighs only what
// code can measure and the precedents, never a constraint in prose; and a precedent whose domain is the
// thread's type, or whose situation shares three or more words with the event, is named as applying.

const WORD = /\p{L}{4,}/gu;
const words = (text: string): Set<string> => new Set((text.toLowerCase().match(WORD) ?? []) as string[]);

/** The precedents that bear on an event of `type` saying `text`. */
export function precedentsFor(values: Values, type: string, text: string): Precedent[] {
  const said = words(text);
  return values.precedents.filter(
    (precedent) =>
      precedent.domain.toLowerCase() === type.toLowerCase() ||
      [...words(precedent.situation)].filter((word) => said.has(word)).length >= 3,
  );
}

/** The sentence the offline drafter adds to a decision's rationale where the workspace keeps a value function. */
export function offlineValuesNote(values: Values, type: string, text: string): string {
  const prose = proseConstraints(values).map((constraint) => constraint.id);
  const applying = precedentsFor(values, type, text).map(
    (precedent) =>
      `${precedent.domain}: ${precedent.situation} -> ${precedent.decision} (${precedent.principle}, ${precedent.date})`,
  );
  return [
    `Values: the offline drafter weighs only the constraints code can measure and the decision precedents${prose.length > 0 ? `; ${prose.length} constraint(s) in prose were not judged (${prose.join(", ")})` : ""}.`,
    ...(applying.length > 0 ? [`A precedent applies: ${applying.join("; ")}.`] : []),
  ].join(" ");
}
