import { readFileSync } from "node:fs";
import { franc } from "franc-min";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Assumption } from "../../canvas/assumptions.js";
import { toolPath } from "../../files/toolRoot.js";
import { renderPlain } from "../../files/plainTemplate.js";
import type { DraftConfidence, EventOrigin, HypothesisOutput } from "../../core/stageSchemas.js";
import { PERCENT } from "../../text/extract.js";
import { amountsIn } from "../../text/money.js";
import { unreadLanguage, type Reading } from "../../text/reading.js";
import { rankAssumptions, termsOf } from "../../text/relevance.js";
import { cueMatches, kindScores, reversed, type EventKind } from "./rules.js";

// How sure the offline drafter is of a stage's draft, and why not surer. The rules know where they
// guess: a money event with no sum read, an event the canvas's assumptions barely match, two kinds
// of event read from the same words, cue words of opposite moves, prose in a language they do not
// read. Each such weak spot takes its weight off the stage's score and gives its reason; the
// weights, thresholds and reasons are data (prompts/offline/confidence.yaml).

const Spot = z.object({ weight: z.number().min(0).max(1), reason: z.string().min(1) });
const ConfidenceRules = z.object({
  base: z.number().min(0).max(1),
  lowest: z.number().min(0).max(1),
  no_amount: Spot.extend({
    topic_reason: z.string().min(1),
    kinds: z.record(z.string(), z.object({ percent: z.boolean() })),
    topics: z.array(z.string()),
  }),
  foreign_money: Spot,
  not_english: Spot.extend({ mostly: z.number().min(0).max(1), languages: z.record(z.string(), z.string()) }),
  close_kinds: Spot.extend({ margin: z.number().min(0), one_cue: z.string().min(1), no_cue: z.string().min(1) }),
  contradiction: Spot.extend({
    pairs: z.array(z.object({ one: z.array(z.string()).min(1), other: z.array(z.string()).min(1) })),
  }),
  weak_match: Spot.extend({
    floor: z.number().min(0).max(1),
    none_weight: z.number().min(0).max(1),
    none_floor: z.number().min(0).max(1),
    none: z.string().min(1),
    only_new: z.string().min(1),
  }),
  close_assumptions: Spot.extend({ margin: z.number().min(0).max(1) }),
  kind_names: z.record(z.string(), z.string()),
});
export type ConfidenceRules = z.infer<typeof ConfidenceRules>;

let cached: ConfidenceRules | undefined;

/** The weights, thresholds and reasons, from prompts/offline/confidence.yaml. */
export function confidenceRules(): ConfidenceRules {
  cached ??= ConfidenceRules.parse(parseYaml(readFileSync(toolPath("prompts", "offline", "confidence.yaml"), "utf8")));
  return cached;
}

/** One thing that makes a draft a guess: how much it costs the score, and the sentence that says it. */
export interface WeakSpot {
  weight: number;
  reason: string;
}

const said = (template: string, view: Record<string, unknown>): string => renderPlain(template, view);
const round2 = (value: number): number => Math.round(value * 100) / 100;

/** A stage's confidence: the base less each weak spot's weight (never under the lowest), with their reasons in order. */
export function scored(
  spots: ReadonlyArray<WeakSpot | undefined>,
  rules: ConfidenceRules = confidenceRules(),
): DraftConfidence {
  const found = spots.filter((spot): spot is WeakSpot => spot !== undefined);
  const score = found.reduce((left, spot) => left - spot.weight, rules.base);
  return { score: round2(Math.min(1, Math.max(rules.lowest, score))), reasons: found.map((spot) => spot.reason) };
}

/**
 * The confidence of a stage built on others (implication on input and hypothesis, decision on all
 * three): as sure as the least sure of them, since one guessed part makes the whole a guess, and
 * every doubt found on the way is said (once each), so the person sees all of them. Undefined when
 * none of them says.
 */
export function inherited(confidences: ReadonlyArray<DraftConfidence | undefined>): DraftConfidence | undefined {
  const known = confidences.filter((confidence): confidence is DraftConfidence => confidence !== undefined);
  if (known.length === 0) return undefined;
  return {
    score: Math.min(...known.map((confidence) => confidence.score)),
    reasons: [...new Set(known.flatMap((confidence) => confidence.reasons))],
  };
}

/** The name of a reading in a reason ("a deal won"), or the kind's own name when the data has none. */
export function kindName(kind: EventKind, rules: ConfidenceRules = confidenceRules()): string {
  return rules.kind_names[kind.kind] ?? kind.kind;
}

/** The event's headline as the rules read it: its first line, or else its first read sentence. */
const headlineOf = (reading: Reading): string => reading.firstLine || reading.sentences[0] || "";

/**
 * What makes an event about money: its kind (a deal won, a supplier's price rise), or a money word in
 * its headline (revenue, a refund, prices). Undefined when it is not about money.
 */
export function moneyTopic(
  reading: Reading,
  kind: EventKind,
  rules: ConfidenceRules = confidenceRules(),
): { what: string; byKind: boolean; percent: boolean } | undefined {
  const byKind = rules.no_amount.kinds[kind.kind];
  if (byKind) return { what: kindName(kind, rules), byKind: true, percent: byKind.percent };
  const word = cueMatches(headlineOf(reading), rules.no_amount.topics)[0];
  return word ? { what: word, byKind: false, percent: true } : undefined;
}

/** A money event with no sum read (or, where a percentage gives the size, no percentage either). */
export function missingAmount(
  reading: Reading,
  kind: EventKind,
  rules: ConfidenceRules = confidenceRules(),
): WeakSpot | undefined {
  const topic = moneyTopic(reading, kind, rules);
  if (!topic) return undefined;
  if (amountsIn(reading.text).length > 0) return undefined;
  if (topic.percent && [...reading.text.matchAll(PERCENT)].length > 0) return undefined;
  if (topic.byKind)
    return { weight: rules.no_amount.weight, reason: said(rules.no_amount.reason, { what: topic.what }) };
  // The headline's word as a word of the sentence ("Revenue" -> "revenue"; "ARR" stays).
  const what = /^\p{Lu}\p{Ll}/u.test(topic.what) ? topic.what.toLowerCase() : topic.what;
  return { weight: rules.no_amount.weight, reason: said(rules.no_amount.topic_reason, { what }) };
}

/** A money event whose every sum is in a currency other than the company's: none of it is weighed (money.ts converts nothing). */
export function foreignMoney(
  reading: Reading,
  kind: EventKind,
  home: string,
  rules: ConfidenceRules = confidenceRules(),
): WeakSpot | undefined {
  if (!moneyTopic(reading, kind, rules)) return undefined;
  const sums = amountsIn(reading.text, home);
  if (sums.length === 0 || sums.some((sum) => sum.currency === home)) return undefined;
  const currencies = [...new Set(sums.map((sum) => sum.currency))].join(" and ");
  return { weight: rules.foreign_money.weight, reason: said(rules.foreign_money.reason, { currencies, home }) };
}

/** An event most of whose prose (by letters) is in a language the rules do not read; the language named as franc reads it. */
export function notEnglish(text: string, rules: ConfidenceRules = confidenceRules()): WeakSpot | undefined {
  const unread = unreadLanguage(text);
  if (unread.share <= rules.not_english.mostly) return undefined;
  const code = franc(unread.text, { minLength: 10 });
  const language = rules.not_english.languages[code] ?? code;
  return { weight: rules.not_english.weight, reason: said(rules.not_english.reason, { language, code }) };
}

/**
 * The kind of an event read from few or split cues: the best two kinds' scores within the margin (a
 * second reading of the same words), the best resting on one cue word, or on none. An event leanos
 * made itself is drafted by the kind its origin names, never by cues: it has no such doubt.
 */
export function closeKinds(
  reading: Reading,
  origin?: EventOrigin,
  rules: ConfidenceRules = confidenceRules(),
): WeakSpot | undefined {
  if (origin && origin.kind !== "report") return undefined;
  const [first, second] = kindScores(reading);
  if (!first || first.score === 0) return { weight: rules.close_kinds.weight, reason: rules.close_kinds.no_cue };
  const runnerUp = second?.score ?? 0;
  if (first.score - runnerUp > rules.close_kinds.margin) return undefined;
  if (runnerUp > 0) {
    // Named as the drafter would take each (a rise in churn is read as a metric falling); two kinds
    // the drafter takes the same way are one reading.
    const one = kindName(reversed(first.kind, reading), rules);
    const other = kindName(reversed(second!.kind, reading), rules);
    return one === other
      ? undefined
      : { weight: rules.close_kinds.weight, reason: said(rules.close_kinds.reason, { first: one, second: other }) };
  }
  // No other kind matched and the best scores within the margin: it rests on one word of the body
  // (a headline's word counts twice, as the headline is read again).
  const cue = cueMatches(`${reading.firstLine}\n${reading.text}`, first.kind.cues)[0];
  // Quoted as words: a cue's figure ("up 3" of "up 3 points") is not what names the kind.
  return cue
    ? {
        weight: rules.close_kinds.weight,
        reason: said(rules.close_kinds.one_cue, { cue: cue.replace(/[\s\d.,%]+$/u, "").trim() || cue.trim() }),
      }
    : undefined;
}

/** Cue words of opposite moves in the same event ("won" and "lost", "rose" and "fell"); denied ones do not count. */
export function contradiction(reading: Reading, rules: ConfidenceRules = confidenceRules()): WeakSpot | undefined {
  for (const pair of rules.contradiction.pairs) {
    const one = cueMatches(reading.text, pair.one)[0];
    const other = cueMatches(reading.text, pair.other)[0];
    if (one && other)
      return {
        weight: rules.contradiction.weight,
        reason: said(rules.contradiction.reason, { one: one.toLowerCase(), other: other.toLowerCase() }),
      };
  }
  return undefined;
}

/** The input stage's confidence: what the rules could read of the event, and how surely they read its kind. */
export function inputConfidence(
  event: { text: string; origin?: EventOrigin },
  reading: Reading,
  kind: EventKind,
  home: string,
  rules: ConfidenceRules = confidenceRules(),
): DraftConfidence {
  // The language first: when the rules could not read the event, the other doubts follow from it.
  return scored(
    [
      notEnglish(event.text, rules),
      missingAmount(reading, kind, rules),
      foreignMoney(reading, kind, home, rules),
      closeKinds(reading, event.origin, rules),
      contradiction(reading, rules),
    ],
    rules,
  );
}

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
