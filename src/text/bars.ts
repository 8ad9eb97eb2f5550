import { PERCENT } from "./extract.js";
import { amountsIn, currencySignSource, DEFAULT_CURRENCY, isCurrencyWord } from "./money.js";
import { termsOf } from "./relevance.js";

// A number in an assumption is a bar ("churn under 6%", "$30 or less per subscriber", "at least 20%
// of signups"); a figure in the event about the same thing either clears it or misses it. A bar of
// money is measured only by a sum in its own currency: "under EUR 300" says nothing of $333 or
// £333, and leanos converts nothing (it has no exchange rates; see money.ts).

export type Unit = "percent" | "points" | "money";

export interface Figure {
  value: number;
  unit: Unit;
  /** The content words on either side of the figure: what it is a figure of. */
  context: Set<string>;
  /** The figure is a starting point ("from 44% to 41.8%", "5.8% -> 7.6%") or a target ("vs a 20% goal"): not a measurement. */
  reference: boolean;
  /** Where it starts and ends in the text. */
  index: number;
  end: number;
  /** The words just before it. */
  before: string;
  /** For money: the period the sum is per, when the text says. */
  period?: "month" | "year";
  /** For money: its currency (ISO 4217). */
  currency?: string;
}

// A sum per month and a sum per year (ACV, ARR, annual) are not the same measure.
const MONTHLY = /^\s*(\/\s?mo(nth)?|per month|a month|monthly|MRR)\b/i;
const YEARLY = /^\s*(\/\s?y(ea)?r|per year|a year|annual(ly)?|ACV|ARR)\b/i;
const periodOf = (text: string, figure: Figure): "month" | "year" | undefined => {
  const after = text.slice(figure.end, figure.end + 20).replace(/^\+/, "");
  return MONTHLY.test(after) ? "month" : YEARLY.test(after) ? "year" : undefined;
};

export interface Bar extends Figure {
  /** A floor is met at or above its value ("at least", "or more"); a ceiling at or below it ("under", "or less"). */
  bound: "floor" | "ceiling";
}

const POINTS = /([+-]?\d+(?:\.\d+)?)\s?(?:percentage points|points|pts|pp)\b/gi;

// Words that make the number after them a ceiling, or (after the number) the same. A money figure
// starts at its sign, so the words come just before it ("under EUR 300", "under 300 EUR").
const CEILING_BEFORE =
  /\b(under|below|less than|fewer than|at most|no more than|not more than|within|up to|cheaper than|lower than|max(imum)?)\s*(about|~)?\s*$|[<≤]\s*$/i;
const CEILING_AFTER = /^\s*(%|points|pts)?\s*(or less|or fewer|or under|or below|at most|max(imum)?)\b/i;
const TARGET_AFTER = /^\s*(target|goal|plan|bar|benchmark|budget|forecast|expected)\b/i;
const TARGET_BEFORE = /\b(target|goal|aim|plan|bar|benchmark|budget|forecast) (of|was|is|at)\s*(about|~)?\s*$/i;
// A figure is a starting point when a move to another one follows it ("to EUR 333", "to 41.8%"), or
// "from" comes just before it.
let startingPoint: { after: RegExp; before: RegExp } | undefined;
const startingPointRules = (): { after: RegExp; before: RegExp } =>
  (startingPoint ??= {
    after: new RegExp(`^\\s*(\\)|\\w+)?\\s*(->|→|=>|to\\s+(about\\s+|~)?(${currencySignSource()})?\\s?\\d)`, "iu"),
    before: /\bfrom\s*(about|~)?\s*$/i,
  });

// A bar such as "30% better than" is a relative claim: only a figure of a change can meet it, not a rate.
const COMPARATIVE_WORDS = new Set(["better", "more", "higher", "lower", "fewer", "faster", "cheaper", "than"]);
const CHANGE_WORDS = new Set([
  "better",
  "lift",
  "more",
  "higher",
  "lower",
  "fewer",
  "up",
  "down",
  "reduction",
  "reduced",
  "reduce",
  "improvement",
  "increase",
  "decrease",
  "drop",
  "than",
  "vs",
  "difference",
]);

function contextOf(text: string, start: number, end: number): Set<string> {
  const before = text.slice(Math.max(0, start - 60), start);
  const after = text.slice(end, end + 60);
  // A clause ends at a semicolon or a full stop, not at a decimal point; a colon before a figure
  // ends its label ("Churn: 7.6%"), so it joins the two, and one after the figure ends the clause.
  const clauseBefore = before.split(/;|\.(?!\d)/).at(-1) ?? "";
  const clauseAfter = after.split(/[;:]|\.(?!\d)/)[0] ?? "";
  // A currency's name says nothing of what the sum is for ("EUR 300 a demo" is about demos).
  return new Set([...termsOf(`${clauseBefore} ${clauseAfter}`)].filter((term) => !isCurrencyWord(term)));
}

/**
 * Every percentage, percentage-point figure and sum of money in a text, in text order. `home`, the
 * workspace's currency, says what an ambiguous sign means ("$" in a CAD workspace).
 */
export function figuresIn(text: string, home: string = DEFAULT_CURRENCY): Figure[] {
  const found: Figure[] = [];
  const { after: STARTING_POINT_AFTER, before: STARTING_POINT_BEFORE } = startingPointRules();
  const add = (unit: Unit, value: number, start: number, end: number, currency?: string): void => {
    if (found.some((figure) => figure.index === start)) return;
    const before = text.slice(Math.max(0, start - 40), start);
    const after = text.slice(end, end + 40);
    const reference =
      STARTING_POINT_AFTER.test(after) ||
      STARTING_POINT_BEFORE.test(before) ||
      TARGET_AFTER.test(after) ||
      TARGET_BEFORE.test(before);
    const figure: Figure = {
      value,
      unit,
      context: contextOf(text, start, end),
      reference,
      index: start,
      end,
      before,
      ...(currency ? { currency } : {}),
    };
    const period = unit === "money" ? periodOf(text, figure) : undefined;
    found.push(period ? { ...figure, period } : figure);
  };
  for (const match of text.matchAll(POINTS))
    add("points", Math.abs(Number(match[1])), match.index, match.index + match[0].length);
  for (const match of text.matchAll(PERCENT))
    add("percent", Number(match[1]), match.index, match.index + match[0].length);
  for (const amount of amountsIn(text, home)) add("money", amount.value, amount.index, amount.end, amount.currency);
  const figures = found.sort((a, b) => a.index - b.index);
  // A table row is one metric across columns in time or arm order (before, after; control, test):
  // its last figure is the measurement, the others what it is compared with.
  // Each figure is one of the metric its row's first cell names.
  if (text.trimStart().startsWith("|")) {
    const label = termsOf(text.split("|").find((cell) => cell.trim().length > 0) ?? "");
    figures.forEach((figure, index) => {
      figure.reference = index < figures.length - 1;
      figure.context = new Set([...figure.context, ...label]);
    });
  }
  return figures;
}

/** The first bar an assumption sets, with whether it is a floor or a ceiling. */
export function barOf(assumptionText: string, home: string = DEFAULT_CURRENCY): Bar | undefined {
  const figure = figuresIn(assumptionText, home)[0];
  if (!figure) return undefined;
  const ceiling = CEILING_BEFORE.test(figure.before) || CEILING_AFTER.test(assumptionText.slice(figure.end));
  return { ...figure, bound: ceiling ? "ceiling" : "floor" };
}

const isComparative = (context: Set<string>): boolean => [...context].some((term) => COMPARATIVE_WORDS.has(term));

/** The figure in the evidence that measures what the bar is about, if there is one (money: in the bar's currency). */
export function measuredAgainst(
  bar: Bar,
  evidence: readonly string[],
  home: string = DEFAULT_CURRENCY,
): Figure | undefined {
  return evidence
    .flatMap((sentence) => figuresIn(sentence, home))
    .find(
      (figure) =>
        figure.unit === bar.unit &&
        figure.currency === bar.currency &&
        !figure.reference &&
        (bar.period === undefined || figure.period === undefined || bar.period === figure.period) &&
        [...figure.context].some((term) => bar.context.has(term)) &&
        // "29% returns" says nothing of a "30% better conversion" bar: a relative bar needs a figure of a change.
        (!isComparative(bar.context) || [...figure.context].some((term) => CHANGE_WORDS.has(term))),
    );
}

/**
 * How a measurement stands against a bar: met, missed, or missed by so much that the belief is
 * disproved (under half a floor, over twice a ceiling).
 */
export function judgeBar(bar: Bar, measured: number): "validates" | "challenges" | "invalidates" {
  if (bar.bound === "floor")
    return measured >= bar.value ? "validates" : measured < bar.value / 2 ? "invalidates" : "challenges";
  return measured <= bar.value ? "validates" : measured > bar.value * 2 ? "invalidates" : "challenges";
}
