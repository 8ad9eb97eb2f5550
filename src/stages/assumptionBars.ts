import type { Assumption } from "../canvas/assumptions.js";
import { barOf, judgeBar, measuredAgainst } from "../text/bars.js";
import { DEFAULT_CURRENCY } from "../text/money.js";
import { termsOf } from "../text/relevance.js";
import type { LearningOutput } from "../core/stageSchemas.js";

// The bars an assumption sets (the figures its title or hypothesis holds it to: "25% or more", "under
// 60 days") and the learning's metrics held against them: what the status rule of confidenceMoves.ts
// reads before a status moves to VALIDATED or INVALIDATED.

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
