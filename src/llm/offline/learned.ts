import type { Lessons, RecalledExample } from "../../memory/recall.js";
import { ruleApplies, type Rule } from "../../memory/rules.js";
import type { z } from "zod";
import type { Direction, ThreadType, Verdict as VerdictSchema } from "../../core/stageSchemas.js";

type Verdict = z.infer<typeof VerdictSchema>;
import { termsOf } from "../../text/relevance.js";

// What the offline drafter takes from the workspace's memory (issue 27), before its own rules, in
// this order for each part of the reading (the type, the assumptions tested and which way, the
// verdict):
// 1. a rule a person confirmed that the event falls under;
// 2. an example close enough to the event (CLOSE_EXAMPLE): its reading, as a person gave or agreed it.
// Each value taken says where it came from, so a reader of the draft can check it.
//
// Tried and left out (2026-12-07, dev sets with `npm run eval -- --teach`): taking a part of the
// reading from the latest correction of the same kind of event whose rules' reading was the same. It
// lowered the taught half of sample-more (82% to 78%) and pawlytics (89% to 84%): one correction of a
// kind says little about the next event of that kind.

/**
 * How close (cosine of rarity-weighted words, memory/recall.ts) an example must be for its whole
 * reading to be taken. From every pair of events of one dev company (sample with sample-more,
 * pawlytics, saltbox; 2026-12-07): the 2 pairs at or above 0.3 agree on type, assumption direction
 * and verdict; of the 8 at or above 0.25, half disagree on the direction; none reach 0.35.
 */
export const CLOSE_EXAMPLE = 0.3;

type Assumptions = Array<{ id: string; direction: z.infer<typeof Direction> }>;

export interface Taught<Value> {
  value: Value;
  /** Where it came from: "as in threads/sales/x, corrected by USER on DATE", or the rule. */
  from: string;
}

const judged = (entry: RecalledExample): string =>
  `as in threads/${entry.example.thread}, ${entry.example.judged === "corrected" ? "corrected" : "agreed"} by ${entry.example.by} on ${entry.example.at.slice(0, 10)}`;

const byRule = (entry: { rule: Rule }): string =>
  `by the rule "${entry.rule.says}", confirmed by ${entry.rule.by} on ${entry.rule.at.slice(0, 10)}`;

/** The example close enough to take its reading whole, if any. */
export function closeExample(lessons: Lessons | undefined): RecalledExample | undefined {
  const nearest = lessons?.nearest[0];
  return nearest && nearest.similarity >= CLOSE_EXAMPLE ? nearest : undefined;
}

/**
 * The value the memory teaches for one part of the reading: a rule's or a close example's. `part`
 * reads that part of an example's reading; `rules` what the rules read of this event.
 */
function taught<Value>(
  lessons: Lessons | undefined,
  eventText: string,
  part: (reading: RecalledExample["example"]["final"]) => Value | undefined,
  fromRule: (rule: Rule) => Value | undefined,
): Taught<Value> | undefined {
  if (!lessons) return undefined;
  const words = termsOf(eventText);
  for (const entry of lessons.rules) {
    const value = ruleApplies(entry.rule, words) ? fromRule(entry.rule) : undefined;
    if (value !== undefined) return { value, from: byRule(entry) };
  }
  const close = closeExample(lessons);
  const closeValue = close ? part(close.example.final) : undefined;
  return close && closeValue !== undefined ? { value: closeValue, from: judged(close) } : undefined;
}

export function taughtType(lessons: Lessons | undefined, eventText: string): Taught<ThreadType> | undefined {
  return taught(
    lessons,
    eventText,
    (reading) => reading.type as ThreadType,
    (rule) => ("type" in rule.then ? rule.then.type : undefined),
  );
}

/** The assumptions an event tests: a rule's test joins the rules' (replacing theirs of the same belief); an example's reading replaces them. */
export function taughtAssumptions(
  lessons: Lessons | undefined,
  eventText: string,
  rules: Assumptions,
): Taught<Assumptions> | undefined {
  const ruled = (rule: Rule): Assumptions | undefined =>
    "assumption" in rule.then
      ? [
          rule.then.assumption,
          ...rules.filter((test) => "assumption" in rule.then && test.id !== rule.then.assumption.id),
        ]
      : undefined;
  return taught(
    lessons,
    eventText,
    (reading) => (reading.assumptions.length > 0 ? (reading.assumptions as Assumptions) : undefined),
    ruled,
  );
}

export function taughtVerdict(lessons: Lessons | undefined, eventText: string): Taught<Verdict> | undefined {
  return taught(
    lessons,
    eventText,
    (reading) => reading.verdict as Verdict | undefined,
    (rule) => ("verdict" in rule.then ? rule.then.verdict : undefined),
  );
}
