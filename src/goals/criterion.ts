import { amountsIn, parseAmount, showAmount } from "../text/money.js";

// A goal's success criterion as LeanOS writes it in the goal file's checkbox list ("- [ ] MRR >= $50,000",
// "- [ ] Followers >= 10,000"): a metric, a comparison and a figure. A sum keeps its currency, a share
// its percent sign; nothing is converted (text/money.ts says why).

export type Comparison = ">=" | ">" | "<=" | "<";

export type Figure =
  | { kind: "money"; value: number; currency: string }
  | { kind: "percent"; value: number }
  | { kind: "number"; value: number };

export interface Criterion {
  /** The metric as written ("MRR", "Paying customers"). */
  metric: string;
  comparison: Comparison;
  target: Figure;
}

const COMPARISONS: Record<string, Comparison> = { ">=": ">=", "≥": ">=", ">": ">", "<=": "<=", "≤": "<=", "<": "<" };
const MULTIPLIERS: Record<string, number> = { k: 1e3, K: 1e3, m: 1e6, M: 1e6 };

/** A figure as written after the comparison ("EUR 5,000", "€5k", "1.5%", "10,000"), in `home` when a sign may mean several. */
export function parseFigure(written: string, home: string): Figure | undefined {
  const text = written.trim();
  const percent = /^([\d.,]+)\s*%$/.exec(text);
  if (percent) {
    const value = parseAmount(percent[1]!);
    return Number.isFinite(value) ? { kind: "percent", value } : undefined;
  }
  const sums = amountsIn(text, home);
  if (sums.length === 1 && sums[0]!.index === 0 && sums[0]!.end === text.length) {
    return { kind: "money", value: sums[0]!.value, currency: sums[0]!.currency };
  }
  const plain = /^([\d.,' ]+?)\s*([kKmM])?$/.exec(text);
  if (plain) {
    const value = parseAmount(plain[1]!, plain[2] !== undefined) * (plain[2] ? MULTIPLIERS[plain[2]]! : 1);
    return Number.isFinite(value) ? { kind: "number", value } : undefined;
  }
  return undefined;
}

/** "MRR >= EUR 5,000" read, or why it cannot be. */
export function parseCriterion(written: string, home: string): Criterion | { problem: string } {
  const match = /^\s*(.+?)\s*(>=|≥|<=|≤|>|<)\s*(.+?)\s*$/.exec(written);
  if (!match) {
    return { problem: `"${written}" is not a metric, a comparison and a figure (for example "MRR >= EUR 5,000")` };
  }
  const target = parseFigure(match[3]!, home);
  if (!target) {
    return { problem: `"${match[3]}" is not a figure (a sum such as EUR 5,000, a share such as 1.5%, or a number)` };
  }
  return { metric: match[1]!, comparison: COMPARISONS[match[2]!]!, target };
}

/** A figure as leanos writes it: "€5,000", "1.5%", "10,000". */
export function showFigure(figure: Figure): string {
  if (figure.kind === "money") return showAmount(figure.value, figure.currency);
  const shown = figure.value.toLocaleString("en-US", { maximumFractionDigits: 2 });
  return figure.kind === "percent" ? `${shown}%` : shown;
}

export const showCriterion = (criterion: Criterion): string =>
  `${criterion.metric} ${criterion.comparison} ${showFigure(criterion.target)}`;

/** Whether `value` meets the criterion. */
export function meets(criterion: Criterion, value: number): boolean {
  const target = criterion.target.value;
  switch (criterion.comparison) {
    case ">=":
      return value >= target;
    case ">":
      return value > target;
    case "<=":
      return value <= target;
    case "<":
      return value < target;
  }
}

/** Whether a reading measures the same kind of thing as the target: a sum in another currency does not. */
export function comparable(target: Figure, reading: Figure): boolean {
  if (target.kind === "money") return reading.kind === "money" && reading.currency === target.currency;
  return reading.kind === target.kind;
}

/** The metric's name as it is matched: case, spaces and punctuation do not count ("MRR", "mrr", "M.R.R."). */
export const metricKey = (metric: string): string => metric.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
