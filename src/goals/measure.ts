import type { InputOutput } from "../core/stageSchemas.js";
import { amountsIn, showAmount } from "../text/money.js";
import { comparable, metricKey, showFigure, type Criterion, type Figure } from "./criterion.js";
import type { Goal } from "./goals.js";
import type { Reading } from "./standing.js";

// What a thread's learning measures for the goal it serves: only a figure the event states, never an
// estimate. A won deal adds its recurring sum to a revenue goal (a month's worth to MRR, a year's to
// ARR, the whole sum to bookings or revenue) and one customer to a customer goal; an event that states
// the metric's value itself ("MRR reached EUR 4,800") gives that value. The new value is the goal's
// latest one plus what the thread adds, so it is an absolute reading like any other.

export interface GoalMeasurement {
  goal: string;
  metric: string;
  figure: Figure;
  /** What it came from, in words: the fact and the arithmetic. */
  basis: string;
}

const MONTHLY = /\b(mrr|monthly|per month|a month|\/\s?mo(nth)?)\b/i;
const YEARLY = /\b(arr|annual|annually|yearly|per year|a year|\/\s?y(ea)?r)\b/i;
const TERM_MONTHS = /\b(\d{1,3})[- ]month\b/i;
const TERM_YEARS = /\b(\d{1,2})[- ]year\b/i;
const WON = /\b(signed|closed|won|renewed|purchase order)\b/i;
const COUNTS = ["customers", "clients", "accounts", "logos"];

type Fact = InputOutput["facts"][number];

/** The monthly (or yearly) worth of a recurring sum as a fact states it; undefined when it says neither. */
function recurring(fact: Fact, value: number, per: "month" | "year"): { value: number; how: string } | undefined {
  const text = fact.text;
  const months = Number(TERM_MONTHS.exec(text)?.[1] ?? Number(TERM_YEARS.exec(text)?.[1] ?? 0) * 12);
  let monthly: number | undefined;
  let how = "";
  if (MONTHLY.test(text)) [monthly, how] = [value, "a month"];
  else if (YEARLY.test(text)) [monthly, how] = [value / 12, "a year / 12"];
  else if (months > 0) [monthly, how] = [value / months, `over ${months} months`];
  if (monthly === undefined) return undefined;
  return per === "month" ? { value: monthly, how } : { value: monthly * 12, how: `${how}, x 12` };
}

/** What the event adds to one criterion's metric, from the input's facts; undefined when it states nothing for it. */
function added(
  criterion: Criterion,
  input: InputOutput,
  text: string,
  home: string,
): { value: number; basis: string } | undefined {
  const key = metricKey(criterion.metric);
  if (criterion.target.kind === "money") {
    const currency = criterion.target.currency;
    for (const fact of input.facts.filter((candidate) => candidate.kind === "money")) {
      const sum = amountsIn(fact.text, home).find((amount) => amount.currency === currency);
      if (!sum) continue;
      const per =
        key.includes("mrr") || key.includes("monthly")
          ? "month"
          : key.includes("arr") || key.includes("annual")
            ? "year"
            : undefined;
      if (per === undefined) return { value: sum.value, basis: `"${fact.text}"` };
      const worth = recurring(fact, sum.value, per);
      if (worth)
        return { value: worth.value, basis: `"${fact.text}", ${showAmount(sum.value, currency)} ${worth.how}` };
    }
    return undefined;
  }
  if (criterion.target.kind === "number" && COUNTS.some((word) => key.includes(word)) && WON.test(text))
    return { value: 1, basis: "one customer won" };
  return undefined;
}

/** A value the event states for the metric itself: "MRR reached EUR 4,800", "churn fell to 1.4%". */
function stated(criterion: Criterion, input: InputOutput, home: string): { value: number; basis: string } | undefined {
  const named = new RegExp(
    `${criterion.metric.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b[^.;]{0,40}?\\b(is|was|at|reached|rose to|fell to|hit|now)\\b`,
    "i",
  );
  for (const fact of input.facts) {
    if (!named.test(fact.text) || fact.value === undefined) continue;
    if (criterion.target.kind === "money") {
      const sum = amountsIn(fact.text, home).find(
        (amount) => amount.currency === (criterion.target as { currency: string }).currency,
      );
      if (sum) return { value: sum.value, basis: `"${fact.text}"` };
    } else if ((criterion.target.kind === "percent") === (fact.kind === "percent"))
      return { value: fact.value, basis: `"${fact.text}"` };
  }
  return undefined;
}

/**
 * What the thread measures for `goal`'s criteria: a new value for each criterion the event moves,
 * after the latest value measured by `date` (`readings`).
 */
export function measureForGoal(
  goal: Goal,
  input: InputOutput,
  eventText: string,
  readings: readonly Reading[],
  date: string,
  home: string,
): GoalMeasurement[] {
  const measured: GoalMeasurement[] = [];
  for (const { criterion } of goal.criteria) {
    const own = stated(criterion, input, home);
    if (own) {
      measured.push({
        goal: goal.front.id,
        metric: criterion.metric,
        figure: { ...criterion.target, value: own.value },
        basis: own.basis,
      });
      continue;
    }
    const more = added(criterion, input, eventText, home);
    if (!more) continue;
    const before = readings
      .filter(
        (reading) =>
          metricKey(reading.metric) === metricKey(criterion.metric) &&
          reading.date <= date &&
          comparable(criterion.target, reading.figure),
      )
      .sort((a, b) => a.date.localeCompare(b.date))
      .at(-1);
    const from = before?.figure.value ?? 0;
    const value = Math.round((from + more.value) * 100) / 100;
    const figure: Figure = { ...criterion.target, value };
    measured.push({
      goal: goal.front.id,
      metric: criterion.metric,
      figure,
      basis: `${showFigure({ ...criterion.target, value: from })} + ${showFigure({ ...criterion.target, value: more.value })} from ${more.basis}`,
    });
  }
  return measured;
}
