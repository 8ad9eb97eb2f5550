import { formBreach, type ActionUnderCheck } from "./check.js";
import type { SoftConstraint, Values } from "./valuesFile.js";

// A decision scored against the soft constraints of strategy/values.md, as LeanOS scores them: +1 for
// each it satisfies, -1 for each it breaks. Code judges only a soft constraint with a measurable form
// (a spend, a discount, a region, a time of sending: measurable.ts); one in prose is not judged here
// and counts 0. A decision that breaks one waits for a person, below the impact threshold too.

export interface SoftScore {
  score: number;
  /** How many soft constraints there are. */
  of: number;
  breaches: Array<{ constraint: SoftConstraint; reason: string }>;
  /** Soft constraints in prose, which code does not judge. */
  unjudged: number;
}

export function softScore(values: Values | undefined, decision: ActionUnderCheck, home: string): SoftScore | undefined {
  if (!values || values.soft.length === 0) return undefined;
  const score: SoftScore = { score: 0, of: values.soft.length, breaches: [], unjudged: 0 };
  for (const constraint of values.soft) {
    const form = constraint.form;
    if (!form) {
      score.unjudged += 1;
      continue;
    }
    const reason = formBreach(form, decision, home);
    if (reason) score.breaches.push({ constraint, reason });
    score.score += reason ? -1 : 1;
  }
  return score;
}

/** The score in words, as the decision shows it. */
export function describeSoftScore(score: SoftScore, file: string): string {
  const broken = score.breaches.map(
    (breach) => `breaks "${breach.constraint.text}" (${file}:${breach.constraint.line}): ${breach.reason}`,
  );
  const prose = score.unjudged > 0 ? [`${score.unjudged} in prose not judged by code`] : [];
  return `soft constraints score ${score.score} of ${score.of}${[...broken, ...prose].length > 0 ? `; ${[...broken, ...prose].join("; ")}` : ""}`;
}
