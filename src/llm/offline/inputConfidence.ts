import { franc } from "franc-min";
import type { DraftConfidence, EventOrigin } from "../../core/stageSchemas.js";
import { PERCENT } from "../../text/extract.js";
import { amountsIn } from "../../text/money.js";
import { unreadLanguage, type Reading } from "../../text/reading.js";
import { confidenceRules, kindName, said, scored, type ConfidenceRules, type WeakSpot } from "./confidence.js";
import { cueMatches, kindScores, reversed, type EventKind } from "./rules.js";

// The weak spots of the rules' reading of an event (confidence.ts): a money event with no sum read or
// none in the company's currency, prose in a language they do not read, two kinds of event read from
// the same words, cue words of opposite moves.

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
