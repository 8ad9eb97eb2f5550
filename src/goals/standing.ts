import { comparable, meets, metricKey, showFigure, type Criterion, type Figure } from "./criterion.js";
import type { Goal } from "./goals.js";

// Where a goal stands, as LeanOS's goal-tracker reckons it, made exact: each criterion's latest
// measured value, the pace from its starting value, and where that pace ends by the deadline.
// - met: the latest value meets the criterion;
// - on track: not yet, but the pace reaches it by the deadline;
// - at risk: the pace falls short, with more than two weeks left;
// - off track: the pace falls short with two weeks or less left, or the deadline has passed;
// - unmeasured: no value measured since the goal began, so there is no pace to judge.
// A goal stands as its worst criterion.

export const STANDINGS = ["off track", "at risk", "unmeasured", "on track", "met"] as const;
export type Standing = (typeof STANDINGS)[number];

/** Two weeks or less before the deadline, a pace that falls short is off track. */
export const LAST_DAYS = 14;

export interface Reading {
  date: string;
  metric: string;
  figure: Figure;
  /** Where it was read: a metrics file, a thread, the goal's log. */
  source: string;
}

export interface CriterionStanding {
  criterion: Criterion;
  standing: Standing;
  start?: Reading | { date: string; figure: Figure; source: string };
  latest?: Reading;
  /** How far from the start to the target the latest value is, 0 to 1. */
  progress?: number;
  /** The value the pace reaches by the deadline. */
  projected?: number;
  reason: string;
}

export interface GoalStanding {
  standing: Standing;
  criteria: CriterionStanding[];
  reason: string;
  daysLeft: number;
}

const DAY_MS = 86_400_000;
const days = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
const rising = (criterion: Criterion): boolean => criterion.comparison === ">=" || criterion.comparison === ">";
const figureOf = (criterion: Criterion, value: number): Figure => ({ ...criterion.target, value });
/** A projection is an estimate: whole units, or a tenth below 100. */
const rounded = (value: number): number => (Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10);

function criterionStanding(
  criterion: Criterion,
  created: string,
  deadline: string,
  today: string,
  readings: Reading[],
): CriterionStanding {
  const mine = readings
    .filter(
      (reading) =>
        metricKey(reading.metric) === metricKey(criterion.metric) && comparable(criterion.target, reading.figure),
    )
    .sort((a, b) => a.date.localeCompare(b.date));
  const latest = mine.filter((reading) => reading.date <= today).at(-1);
  const shown = (value: number): string => showFigure(figureOf(criterion, value));
  const target = showFigure(criterion.target);
  // The start: the last value measured by the day the goal was set; else nothing (0) for a rising
  // metric, and the first value measured for a falling one.
  const before = mine.filter((reading) => reading.date <= created).at(-1);
  const start =
    before ??
    (rising(criterion) ? { date: created, figure: figureOf(criterion, 0), source: "none measured" } : mine[0]);
  if (!latest)
    return {
      criterion,
      standing: "unmeasured",
      reason: `${criterion.metric}: no value measured yet (target ${target})`,
    };
  const value = latest.figure.value;
  const span = criterion.target.value - start!.figure.value;
  const progress = span === 0 ? 1 : Math.min(1, Math.max(0, (value - start!.figure.value) / span));
  const base = { criterion, start: start!, latest, progress };
  const now = `${criterion.metric} ${shown(value)} of ${target} on ${latest.date}`;
  if (meets(criterion, value)) return { ...base, standing: "met", reason: `${now}: met` };
  if (today > deadline)
    return { ...base, standing: "off track", reason: `${now}: the deadline ${deadline} has passed` };
  // LeanOS's pace: the change since the start over the days since then, up to today, so a value not
  // measured again for weeks slows the pace rather than standing still in time.
  const elapsed = days(start!.date, today);
  if (elapsed <= 0 || latest.date <= start!.date)
    return {
      ...base,
      standing: "unmeasured",
      reason: `${now}: no value measured since the goal began, so no pace yet`,
    };
  const projected = rounded(value + ((value - start!.figure.value) / elapsed) * days(today, deadline));
  const pace = `${Math.round(progress * 100)}% of the way; at this pace ${shown(projected)} by ${deadline}`;
  if (meets(criterion, projected)) return { ...base, projected, standing: "on track", reason: `${now}, ${pace}` };
  const left = days(today, deadline);
  return {
    ...base,
    projected,
    standing: left <= LAST_DAYS ? "off track" : "at risk",
    reason: `${now}, ${pace} (${left} day(s) left)`,
  };
}

/** Where `goal` stands on `today` (YYYY-MM-DD), from `readings` of its metrics. */
export function goalStanding(goal: Goal, readings: Reading[], today: string): GoalStanding {
  const { created, deadline } = goal.front;
  const criteria = goal.criteria.map((line) => criterionStanding(line.criterion, created, deadline, today, readings));
  const worst = criteria.reduce((a, b) => (STANDINGS.indexOf(b.standing) < STANDINGS.indexOf(a.standing) ? b : a));
  return { standing: worst.standing, criteria, reason: worst.reason, daysLeft: days(today, deadline) };
}
