import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { toolPath } from "../../files/toolRoot.js";
import { ActionTypeName, BuiltInThreadType, EventOrigin, Verdict, type ThreadType } from "../../core/stageSchemas.js";
import { amountsIn } from "../../text/money.js";
import type { Reading } from "../../text/reading.js";
import { frozenList, remembered } from "../../text/remembered.js";

const Plan = z.object({
  verdict: Verdict,
  statement: z.string(),
  actions: z.array(z.object({ type: ActionTypeName, title: z.string() })),
});

const EventKind = z.object({
  kind: z.string(),
  type: BuiltInThreadType,
  polarity: z.enum(["positive", "negative", "mixed", "neutral"]),
  outcome_known: z.boolean(),
  cash: z.number().min(0).max(1),
  cues: z.array(z.string()),
  /** How many times each cue match counts (the YAML gives the reason where it is not 1). */
  weight: z.number().positive().default(1),
  /** The kind this one becomes when the metric it is about is one where lower is better. */
  reverses_to: z.string().optional(),
  /** The kind this one becomes when what moved is something the company pays for (`cost_cues`). */
  when_paid: z.string().optional(),
  /** Words of the beliefs this kind of event bears on: assumptions that use them rank higher (hypothesis.ts). */
  bears_on: z.array(z.string()).default([]),
  /** The event shows a customer need was real (see `need_cues` in the YAML). */
  shows_needs: z.boolean().default(false),
  /** The type by the input skill's rule 3 when the event names no account. */
  retype: z.object({ no_account: BuiltInThreadType.optional() }).default({}),
  /** Events leanos made itself that this kind drafts, by origin and (optionally) the thread's type. */
  origins: z.array(z.object({ kind: EventOrigin.shape.kind, type: BuiltInThreadType.optional() })).default([]),
  verdict: Verdict,
  statement: z.string(),
  actions: z.array(z.object({ type: ActionTypeName, title: z.string() })),
  alternatives: z.array(z.object({ option: z.string(), reason: z.string() })).min(2),
  when_challenged: Plan.optional(),
  /** Replaces the plan when the tests disproved an assumption (and validated none). */
  when_invalidated: Plan.optional(),
});
export type EventKind = z.infer<typeof EventKind>;

const OfflineRules = z.object({
  kinds: z.array(EventKind).min(1),
  positive_cues: z.array(z.string()),
  negative_cues: z.array(z.string()),
  moat_cues: z.array(z.string()),
  margin_cues: z.array(z.string()),
  lower_is_better_cues: z.array(z.string()),
  cost_cues: z.array(z.string()),
  need_cues: z.array(z.string()),
  /** The plan when a person corrected the reading to go against the canvas and the kind has no plan for that. */
  when_corrected_against: Plan,
});
export type OfflineRules = z.infer<typeof OfflineRules>;

let cached: OfflineRules | undefined;

/** The offline drafter's rules, from prompts/offline/event-kinds.yaml. */
export function offlineRules(): OfflineRules {
  cached ??= OfflineRules.parse(parseYaml(readFileSync(toolPath("prompts", "offline", "event-kinds.yaml"), "utf8")));
  return cached;
}

// A cue the few words before it deny ("never went live", "did not sign", "no longer renews") reports
// that the thing did not happen: it is not counted.
const DENIAL = /\b(?:not|never|no|nor|without|n't|no longer|yet to|instead of|rather than)\W+(?:\w+\W+){0,2}$/i;

// Each cue compiled once: every stage of every event counts them again.
const cuePatterns = new Map<string, RegExp>();
const cuePattern = (cue: string): RegExp => {
  let pattern = cuePatterns.get(cue);
  if (!pattern) cuePatterns.set(cue, (pattern = new RegExp(cue, "gi")));
  return pattern;
};

/** The words the cues match in a text, cue by cue, leaving out matches the words just before them deny. */
export function cueMatches(text: string, cues: readonly string[]): string[] {
  return cues.flatMap((cue) =>
    [...text.matchAll(cuePattern(cue))]
      .filter(
        (match) => !DENIAL.test(text.slice(Math.max(0, match.index - 40), match.index).replace(/n't\b/gi, " n't ")),
      )
      .map((match) => match[0]),
  );
}

/** How often the cues match in a text, leaving out matches the words just before them deny. */
export function countCues(text: string, cues: readonly string[]): number {
  return cueMatches(text, cues).length;
}

/**
 * The kind of an event. One leanos made itself is drafted by the kind its origin names; an event
 * from outside by the kind whose cues match its read sentences most often (the first line twice), turned round for a metric where lower is better.
 */
export function detectKind(reading: Reading, origin?: EventOrigin, type?: ThreadType): EventKind {
  const rules = offlineRules();
  if (origin && origin.kind !== "report") {
    const fits = rules.kinds.filter((kind) => kind.origins.some((entry) => entry.kind === origin.kind));
    const chosen =
      fits.find((kind) =>
        kind.origins.some((entry) => entry.kind === origin.kind && (entry.type === undefined || entry.type === type)),
      ) ?? fits[0];
    if (chosen) return chosen;
  }
  // The highest score wins; on a tie the first listed (the sort is stable); with no cue, the last kind.
  const [best] = kindScores(reading);
  return reversed(best && best.score > 0 ? best.kind : rules.kinds[rules.kinds.length - 1]!, reading);
}

/**
 * Every kind's cue score for an event (each match times the kind's weight, matches in the first
 * line twice), highest first, ties in the YAML's order. The confidence of a draft reads the runner-up
 * too (inputConfidence.ts closeKinds): a close second is a second reading of the event.
 */
export function kindScores(reading: Reading): Array<{ kind: EventKind; score: number }> {
  return scoresOf(`${reading.firstLine}\u0000${reading.text}`);
}

// Every stage reads the event's kind again (and its confidence, the runner-up).
const scoresOf = remembered(32, (key) => {
  const split = key.indexOf("\u0000");
  const [firstLine, text] = [key.slice(0, split), key.slice(split + 1)];
  return frozenList(
    offlineRules()
      .kinds.map((kind) => ({
        kind,
        score: kind.weight * (countCues(text, kind.cues) + countCues(firstLine, kind.cues)),
      }))
      .sort((a, b) => b.score - a.score),
  );
});

/** The sentence that reports the kind's move: the first line when it does, else the first that does. */
const reportingSentence = (kind: EventKind, reading: Reading): string | undefined =>
  [reading.firstLine, ...reading.sentences].find((sentence) => countCues(sentence, kind.cues) > 0);

/**
 * A metric kind turned to another when what moved is something the company pays for (a supplier's
 * price list "increased 8-12%": a cost rise), read in the first line and the sentence that reports
 * the move; or to its reverse when the metric is one where lower is better, read in that sentence
 * before the word of the move. Until 2026-12-07 a supplier's rise was read as growth: the rise words
 * ("increased", "up 9%") outnumbered the cost-rise cues, and "prices" is no lower-is-better metric
 * (a company's own prices rising is good news), so nothing turned it.
 */
export function reversed(kind: EventKind, reading: Reading): EventKind {
  if (!kind.when_paid && !kind.reverses_to) return kind;
  const rules = offlineRules();
  const reporting = reportingSentence(kind, reading);
  if (kind.when_paid && reporting && countCues(`${reading.firstLine}\n${reporting}`, rules.cost_cues) > 0) {
    return rules.kinds.find((candidate) => candidate.kind === kind.when_paid) ?? kind;
  }
  if (!kind.reverses_to) return kind;
  if (!reporting) return kind;
  const moved = Math.min(
    ...kind.cues.map((cue) => new RegExp(cue, "i").exec(reporting)?.index ?? Number.MAX_SAFE_INTEGER),
  );
  const subject = reporting.slice(0, moved);
  if (countCues(subject, rules.lower_is_better_cues) === 0) return kind;
  return rules.kinds.find((candidate) => candidate.kind === kind.reverses_to) ?? kind;
}

// What follows a sum that is one deal's value: its recurring revenue, its contract or order, or its
// price per year or month ("€27,720 ARR", "27.720 EUR a year", "CHF 40K contract").
const DEAL_VALUE_AFTER =
  /^\s*(ARR|MRR|ACV|TCV|(annual |yearly |total )?contract( value)?|deal|order|PO|purchase order|(a|per|\/)\s?(year|yr|month|mo)\b|annually|monthly|p\.a\.)/i;

/** True when the text states one deal's value in money, in any currency (money.ts). */
export function namesDealValue(text: string): boolean {
  return amountsIn(text).some((amount) => DEAL_VALUE_AFTER.test(text.slice(amount.end)));
}

/**
 * The thread type of an event of this kind (the input skill's rule 3; see the YAML's header). An
 * event names an account when it names an organisation, or when it states one deal's value: a deal
 * worth "€27,720 ARR" is a customer's, even when the customer's name was not read.
 */
export function threadTypeOf(kind: EventKind, namesAccount: boolean, dealValue = false): ThreadType {
  return kind.retype.no_account && !namesAccount && !dealValue ? kind.retype.no_account : kind.type;
}
