import type { Assumption } from "../canvas/assumptions.js";
import { barOf, judgeBar, measuredAgainst } from "../text/bars.js";
import { DEFAULT_CURRENCY, workspaceCurrency } from "../text/money.js";
import { termsOf } from "../text/relevance.js";
import type { StageContext } from "./context.js";
import type { HypothesisOutput, LearningOutput, OutputSchemaName, StageOutputs } from "../core/stageSchemas.js";

// How far one event may move what the canvas believes, whoever drafted the move. The hypothesis and
// learning skills say the same in words; this is the part a drafter cannot talk its way past.
//
// The bound: one event moves an assumption's confidence at most 15 points, and at most 5 when the
// evidence is second-hand (someone reports what someone else saw). Why 15: one event is one sample.
// From a coin-flip (50%) a belief needs at least two agreeing events to reach the 80% where the canvas
// calls it validated, and three to go from 55% to 90%, which is the "pattern across several threads"
// the skills ask for before a belief is treated as known. 15 still lets a single measured result move
// a belief visibly (almost a third of the way from a coin-flip to certain). Why 5 second-hand: a report of a report
// adds a step where the fact can change, and nobody in the thread can check it; it should nudge, and
// show up as a question for the next first-hand event. Only clear hearsay words are read as
// second-hand, so a direct report is not capped by mistake.
//
// The status rule: an assumption becomes VALIDATED or INVALIDATED only from a measured result held
// against its own bar, the figure its title or hypothesis sets ("25% or more", "under 60 days"). A
// metric of the learning output measures the same thing and meets the bar (VALIDATED) or misses it
// by enough to disprove it (INVALIDATED: under half a floor, over twice a ceiling, the same line the
// offline drafter draws in bars.ts). Anything else is a confidence move, not a verdict, and the status
// update is dropped with the reason written into the draft.

/** The most points one event moves an assumption's confidence. */
export const MOST_POINTS_PER_EVENT = 15;
/** The most points a second-hand report moves it. */
export const MOST_POINTS_SECOND_HAND = 5;

// Words that say the writer did not see the fact: "reportedly", "we heard that", "word is".
const SECOND_HAND =
  /\b(reportedly|apparently|allegedly|rumou?r(s|ed)?|hearsay|second[- ]?hand|heard (that|from|through|via|about)|word (is|has it)|(we|I)('ve| have)? heard)\b/i;

/** Whether the evidence for a move is second-hand. */
export function readsSecondHand(evidence: string): boolean {
  return SECOND_HAND.test(evidence);
}

/** The most points the move this evidence backs may be. */
export function mostPoints(evidence: string): number {
  return readsSecondHand(evidence) ? MOST_POINTS_SECOND_HAND : MOST_POINTS_PER_EVENT;
}

/** `to`, brought within `most` points of `from`. */
export function boundMove(from: number, to: number, most: number): number {
  return Math.min(from + most, Math.max(from - most, to));
}

export type BarVerdict = "validates" | "challenges" | "invalidates";
interface Measured {
  text: string;
  value: number;
  start: number;
  end: number;
}

/** A bar an assumption sets, and how a measured text is held against it. */
export interface HeldBar {
  /** The bar as the assumption sets it ("at least 25%", "at most 60 days"). */
  shown: string;
  /** The figure in a text that measures what the bar is about, and where it is in the text. */
  measure(text: string): Measured | undefined;
  judge(measured: number): BarVerdict;
}

// Durations, which bars.ts does not read: "under 60 days", "within 24 hours", "in under a day".
// Counted in days so "6 weeks" measures "under 60 days".
const DURATION = /\b(\d+(?:\.\d+)?|an?|one)[- ]?(hours?|hrs?|days?|weeks?|months?)\b/gi;
const DAYS: Record<string, number> = { h: 1 / 24, d: 1, w: 7, m: 30 };
const daysOf = (count: string, unit: string): number =>
  (/^(an?|one)$/i.test(count) ? 1 : Number(count)) * DAYS[unit[0]!.toLowerCase()]!;
// A duration is a bar only with a comparison ("a 30-day pilot" sets the pilot's length, not a bar).
const CEILING_BEFORE =
  /\b(under|below|less than|fewer than|at most|no more than|not more than|within|up to|shorter than|faster than|inside)\s*$/i;
const CEILING_AFTER = /^\s*(or less|or fewer|or under|at most|max(imum)?)\b/i;
const FLOOR_BEFORE = /\b(at least|over|above|more than|longer than|no less than|no fewer than|a minimum of)\s*$/i;
const FLOOR_AFTER = /^\s*(or more|or longer|\+)/i;
const UNIT_WORDS = new Set(["hour", "hours", "hr", "hrs", "day", "days", "week", "weeks", "month", "months"]);
const termsWithout = (text: string): Set<string> => new Set([...termsOf(text)].filter((term) => !UNIT_WORDS.has(term)));
// What a figure in a text is a figure of: the content words of its clause, 60 characters either side.
function clauseTerms(text: string, start: number, end: number): Set<string> {
  const before =
    text
      .slice(Math.max(0, start - 60), start)
      .split(/[;,]|\.(?!\d)/)
      .at(-1) ?? "";
  const after = text.slice(end, end + 60).split(/[;,]|\.(?!\d)/)[0] ?? "";
  return termsWithout(`${before} ${after}`);
}

function durationBars(text: string): HeldBar[] {
  const bars: HeldBar[] = [];
  for (const match of text.matchAll(DURATION)) {
    const before = text.slice(Math.max(0, match.index - 20), match.index);
    const after = text.slice(match.index + match[0].length);
    const bound =
      CEILING_BEFORE.test(before) || CEILING_AFTER.test(after)
        ? "ceiling"
        : FLOOR_BEFORE.test(before) || FLOOR_AFTER.test(after)
          ? "floor"
          : undefined;
    if (!bound) continue;
    const value = daysOf(match[1]!, match[2]!);
    const context = clauseTerms(text, match.index, match.index + match[0].length);
    bars.push({
      shown: `${bound === "floor" ? "at least" : "at most"} ${match[0]}`,
      measure: (measured) => {
        for (const figure of measured.matchAll(DURATION)) {
          if (!/\d/.test(figure[1]!)) continue;
          const end = figure.index + figure[0].length;
          if ([...clauseTerms(measured, figure.index, end)].some((term) => context.has(term)))
            return { text: measured, value: daysOf(figure[1]!, figure[2]!), start: figure.index, end };
        }
        return undefined;
      },
      // The same lines as judgeBar: met, missed, or missed by so much the belief is disproved.
      judge: (measured) =>
        bound === "floor"
          ? measured >= value
            ? "validates"
            : measured < value / 2
              ? "invalidates"
              : "challenges"
          : measured <= value
            ? "validates"
            : measured > value * 2
              ? "invalidates"
              : "challenges",
    });
  }
  return bars;
}

/**
 * The bars an assumption sets: its first percentage, points or sum of money (money only in `home`, the
 * workspace's currency; see bars.ts), then each duration it compares with.
 */
export function barsOf(
  assumption: Pick<Assumption, "title" | "hypothesis">,
  home: string = DEFAULT_CURRENCY,
): HeldBar[] {
  const text = `${assumption.title}. ${assumption.hypothesis}`;
  const bars: HeldBar[] = [];
  const bar = barOf(text, home);
  if (bar) {
    bars.push({
      shown: `${bar.bound === "floor" ? "at least" : "at most"} ${text.slice(bar.index, bar.end)}`,
      measure: (measured) => {
        const figure = measuredAgainst(bar, [measured], home);
        return figure && { text: measured, value: figure.value, start: figure.index, end: figure.end };
      },
      judge: (measured) => judgeBar(bar, measured),
    });
  }
  return [...bars, ...durationBars(text)];
}

// A target, plan or estimate is what a result is compared with, never a result.
const NOT_MEASURED = /\b(target|goal|plan(ned)?|forecast|estimated?|expected|projected|budget(ed)?)\b/i;
type Metric = LearningOutput["metrics"][number];

interface Result {
  bar: HeldBar;
  text: string;
  verdict: BarVerdict;
}

/** Each metric that measures one of the assumption's bars, held against it. */
export function measuredResults(
  assumption: Pick<Assumption, "title" | "hypothesis">,
  metrics: readonly Metric[],
  home: string = DEFAULT_CURRENCY,
): Result[] {
  const bars = barsOf(assumption, home);
  return metrics
    .map((metric) => `${metric.name}: ${metric.value}`)
    .filter((text) => !NOT_MEASURED.test(text))
    .flatMap((text) => {
      for (const bar of bars) {
        const measured = bar.measure(text);
        if (measured) return [{ bar, text, verdict: bar.judge(measured.value) }];
      }
      return [];
    });
}

/**
 * A metric for the learning output from the first of `texts` (sentences of the event, say) that
 * measures one of the assumption's bars: named by the words before the figure in its clause
 * ("Sales cycle: 46 days" gives "Sales cycle", "46 days"), so the status rule finds it again.
 */
export function measuredMetric(
  assumption: Pick<Assumption, "title" | "hypothesis">,
  texts: readonly string[],
  home: string = DEFAULT_CURRENCY,
): { name: string; value: string } | undefined {
  for (const bar of barsOf(assumption, home)) {
    const measured = texts
      .filter((text) => !NOT_MEASURED.test(text))
      .map((text) => bar.measure(text))
      .find((found) => found !== undefined);
    if (!measured) continue;
    const clause =
      measured.text
        .slice(Math.max(0, measured.start - 60), measured.start)
        .split(/[;,()]|\.(?!\d)/)
        .at(-1) ?? "";
    const name = clause
      .split(":")
      .map((part) => part.replace(/^[\s*-]+|\s+$/g, ""))
      .filter((part) => part.length > 0)
      .at(-1);
    if (name) return { name, value: measured.text.slice(measured.start, measured.end) };
  }
  return undefined;
}

/** Whether the learning's metrics back a status of VALIDATED or INVALIDATED for the assumption, and why not when they do not. */
export function statusBacking(
  assumption: Pick<Assumption, "id" | "title" | "hypothesis">,
  status: "VALIDATED" | "INVALIDATED",
  metrics: readonly Metric[],
  home: string = DEFAULT_CURRENCY,
): { backed: true } | { backed: false; reason: string } {
  const bars = barsOf(assumption, home);
  if (bars.length === 0) {
    return {
      backed: false,
      reason: `${assumption.id} sets no bar (a figure such as "at least 25%" or "under 60 days") to hold a measured result against`,
    };
  }
  const results = measuredResults(assumption, metrics, home);
  if (results.length === 0)
    return {
      backed: false,
      reason: `no metric of this learning measures ${assumption.id}'s bar (${[...new Set(bars.map((bar) => bar.shown))].join(", ")})`,
    };
  // One result that settles the question is enough, unless another settles it the other way.
  const meets = results.find((result) => result.verdict === "validates");
  const disproves = results.find((result) => result.verdict === "invalidates");
  const misses = results.find((result) => result.verdict !== "validates")!;
  if (status === "VALIDATED") {
    if (meets && !disproves) return { backed: true };
    return {
      backed: false,
      reason: `"${(disproves ?? misses).text}" does not meet ${assumption.id}'s bar (${(disproves ?? misses).bar.shown})`,
    };
  }
  if (disproves && !meets) return { backed: true };
  if (meets) return { backed: false, reason: `"${meets.text}" meets ${assumption.id}'s bar (${meets.bar.shown})` };
  return {
    backed: false,
    reason: `"${misses.text}" misses ${assumption.id}'s bar (${misses.bar.shown}) but not by enough to disprove it: that challenges it`,
  };
}

const pointsWord = (most: number): string =>
  most === MOST_POINTS_SECOND_HAND
    ? `a second-hand report moves a confidence at most ${most} points`
    : `one event moves a confidence at most ${most} points`;
const withNote = (text: string, note: string): string => `${text} [${note}]`;

/**
 * The hypothesis stage's proposed confidences, each within the bound of the canvas's value today
 * (a drafter's previous_confidence is replaced by it). NEW assumptions have nothing to move from.
 */
export function boundHypothesis(output: HypothesisOutput, assumptions: readonly Assumption[]): HypothesisOutput {
  return {
    ...output,
    tests: output.tests.map((test) => {
      if (test.assumption_id === "NEW") return test;
      const from =
        assumptions.find((assumption) => assumption.id === test.assumption_id)?.confidence ?? test.previous_confidence;
      if (from === null) return test;
      const most = mostPoints(test.evidence);
      const to = boundMove(from, test.proposed_confidence, most);
      if (to === test.proposed_confidence) return { ...test, previous_confidence: from };
      return {
        ...test,
        previous_confidence: from,
        proposed_confidence: to,
        evidence: withNote(
          test.evidence,
          `leanos: ${test.proposed_confidence}% proposed, ${to}% kept: ${pointsWord(most)}`,
        ),
      };
    }),
  };
}

/**
 * The learning stage's moves: each validation's confidence_after and each confidence update within the
 * bound of the canvas's value today, and each update to VALIDATED or INVALIDATED dropped unless a
 * measured metric held against the assumption's bar backs it. Every change is said in the validation's
 * reasoning (or the outcome, when no validation names the assumption).
 */
export function boundLearning(
  output: LearningOutput,
  assumptions: readonly Assumption[],
  home: string = DEFAULT_CURRENCY,
): LearningOutput {
  const find = (id: string): Assumption | undefined => assumptions.find((assumption) => assumption.id === id);
  const notes = new Map<string, string[]>();
  const note = (id: string, text: string): void => void notes.set(id, [...(notes.get(id) ?? []), text]);
  // A move is second-hand when the reasoning given for it is.
  const mostFor = (id: string): number =>
    mostPoints(
      output.validations
        .filter((validation) => validation.assumption_id === id)
        .map((validation) => validation.reasoning)
        .join(" "),
    );

  const validations = output.validations.map((validation) => {
    if (validation.assumption_id === "NEW") return validation;
    const from = find(validation.assumption_id)?.confidence ?? validation.confidence_before;
    if (from === null) return validation;
    const most = mostFor(validation.assumption_id);
    const after = boundMove(from, validation.confidence_after, most);
    if (after !== validation.confidence_after)
      note(
        validation.assumption_id,
        `leanos: confidence ${validation.confidence_after}% proposed, ${after}% kept: ${pointsWord(most)}`,
      );
    return { ...validation, confidence_before: from, confidence_after: after };
  });

  const canvasUpdates = output.canvas_updates.flatMap((update) => {
    const assumption = find(update.assumption_id);
    if (!assumption) return [update];
    if (update.field === "confidence") {
      const to = Number.parseInt(update.to, 10);
      if (!Number.isFinite(to)) return [update];
      const most = mostFor(update.assumption_id);
      const kept = boundMove(assumption.confidence, to, most);
      if (
        kept !== to &&
        !validations.some(
          (validation) => validation.assumption_id === update.assumption_id && validation.confidence_after === kept,
        )
      ) {
        note(update.assumption_id, `leanos: canvas confidence ${to}% proposed, ${kept}% kept: ${pointsWord(most)}`);
      }
      return kept === assumption.confidence
        ? []
        : [{ ...update, from: String(assumption.confidence), to: String(kept) }];
    }
    const status = update.to.trim().toUpperCase();
    if ((status !== "VALIDATED" && status !== "INVALIDATED") || status === assumption.status) return [update];
    const backing = statusBacking(assumption, status, output.metrics, home);
    if (backing.backed) return [update];
    note(
      update.assumption_id,
      `leanos: status ${status} dropped: ${backing.reason}. A status changes only on a measured result against the assumption's bar; a person can still set it in 10-assumptions.md`,
    );
    return [];
  });

  const named = new Set(validations.map((validation) => validation.assumption_id));
  const orphanNotes = [...notes]
    .filter(([id]) => !named.has(id))
    .flatMap(([id, texts]) => texts.map((text) => `${id}: ${text}`));
  return {
    ...output,
    outcome: orphanNotes.reduce(withNote, output.outcome),
    validations: validations.map((validation) => ({
      ...validation,
      reasoning: (notes.get(validation.assumption_id) ?? []).reduce(withNote, validation.reasoning),
    })),
    canvas_updates: canvasUpdates,
  };
}

/** The bound and the status rule for the stages that move a confidence; other stages' outputs pass unchanged. */
export function enforceConfidenceMoves<K extends OutputSchemaName>(
  name: K,
  output: StageOutputs[K],
  context: StageContext,
): StageOutputs[K] {
  if (name === "hypothesis")
    return boundHypothesis(output as HypothesisOutput, context.canvas.assumptions) as StageOutputs[K];
  if (name === "learning")
    return boundLearning(
      output as LearningOutput,
      context.canvas.assumptions,
      workspaceCurrency(context.canvas),
    ) as StageOutputs[K];
  return output;
}
