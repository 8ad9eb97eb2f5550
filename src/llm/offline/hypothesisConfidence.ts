import type { Assumption } from "../../canvas/assumptions.js";
import type { DraftConfidence, HypothesisOutput } from "../../core/stageSchemas.js";
import type { Reading } from "../../text/reading.js";
import { rankAssumptions, termsOf } from "../../text/relevance.js";
import { confidenceRules, round2, said, scored, type ConfidenceRules, type WeakSpot } from "./confidence.js";

// The weak spots of the hypothesis stage's tests (confidence.ts): an event the canvas's assumptions
// barely match, or two of them that match it about as well.

// How particular each word is to one assumption of a canvas (its inverse document frequency among
// them): "luxury" in one belief says more than "customers" in ten. Kept per list of assumptions.
const particularity = new WeakMap<readonly Assumption[], (term: string) => number>();

function particularityOf(assumptions: readonly Assumption[]): (term: string) => number {
  let weigh = particularity.get(assumptions);
  if (!weigh) {
    const counts = new Map<string, number>();
    for (const assumption of assumptions)
      for (const term of termsOf(`${assumption.title} ${assumption.hypothesis}`))
        counts.set(term, (counts.get(term) ?? 0) + 1);
    const total = assumptions.length;
    weigh = (term) => Math.log(1 + total / (counts.get(term) ?? 1));
    particularity.set(assumptions, weigh);
  }
  return weigh;
}

/**
 * How much of an assumption's claim its evidence speaks to, from 0 to 1: the share of the claim's
 * words (each weighed by how particular it is to this assumption) that the evidence sentences use,
 * read against the title and against the full hypothesis, whichever is higher. The evidence is what
 * the draft quotes, at most a few sentences, so a one-line event and a long report are measured
 * alike; the title keeps a short on-topic line from looking weak against a long hypothesis.
 */
export function claimCoverage(
  assumptions: readonly Assumption[],
  assumption: Pick<Assumption, "title" | "hypothesis">,
  evidence: string,
): number {
  const weigh = particularityOf(assumptions);
  const used = termsOf(evidence);
  const share = (claim: string): number => {
    const terms = [...termsOf(claim)];
    const whole = terms.reduce((sum, term) => sum + weigh(term), 0);
    return whole === 0 ? 0 : terms.filter((term) => used.has(term)).reduce((sum, term) => sum + weigh(term), 0) / whole;
  };
  return Math.max(share(assumption.title), share(`${assumption.title} ${assumption.hypothesis}`));
}

/**
 * The best claim coverage among the assumptions tested (claimCoverage, shown and compared to two
 * decimals, as the reason says it): at or under the lower floor, or with only a new belief proposed,
 * no assumption matched; at or under the floor, none matched well.
 */
export function weakMatch(
  assumptions: readonly Assumption[],
  tests: HypothesisOutput["tests"],
  rules: ConfidenceRules = confidenceRules(),
): WeakSpot | undefined {
  const spot = rules.weak_match;
  const matched = tests.flatMap((test) => {
    const assumption = assumptions.find((candidate) => candidate.id === test.assumption_id);
    return assumption
      ? [{ id: assumption.id, strength: round2(claimCoverage(assumptions, assumption, test.evidence)) }]
      : [];
  });
  if (matched.length === 0) return { weight: spot.none_weight, reason: spot.only_new };
  const [best] = matched.sort((a, b) => b.strength - a.strength || a.id.localeCompare(b.id));
  const view = { id: best!.id, strength: best!.strength.toFixed(2) };
  if (best!.strength <= spot.none_floor) return { weight: spot.none_weight, reason: said(spot.none, view) };
  if (best!.strength <= spot.floor) return { weight: spot.weight, reason: said(spot.reason, view) };
  return undefined;
}

/**
 * The best two assumptions of the ranking within the margin of the best one's score: which belief
 * the event is about is close to a coin toss. (The ranking is relevance.ts's, before the bonus a
 * kind gives the beliefs it bears on.)
 */
export function closeAssumptions(
  assumptions: readonly Assumption[],
  reading: Reading,
  rules: ConfidenceRules = confidenceRules(),
): WeakSpot | undefined {
  const [first, second] = rankAssumptions(assumptions, reading.text, reading.firstLine);
  if (!first || !second || first.score <= 0) return undefined;
  if ((first.score - second.score) / first.score > rules.close_assumptions.margin) return undefined;
  return {
    weight: rules.close_assumptions.weight,
    reason: said(rules.close_assumptions.reason, { first: first.assumption.id, second: second.assumption.id }),
  };
}

/** The hypothesis stage's confidence: how well the canvas's assumptions match the event it tests them on. */
export function hypothesisConfidence(
  assumptions: readonly Assumption[],
  reading: Reading,
  tests: HypothesisOutput["tests"],
  rules: ConfidenceRules = confidenceRules(),
): DraftConfidence {
  const weak = weakMatch(assumptions, tests, rules);
  // With no assumption matched, which one matched best is beside the point.
  return scored([weak, weak ? undefined : closeAssumptions(assumptions, reading, rules)], rules);
}
