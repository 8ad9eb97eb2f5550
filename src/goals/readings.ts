import { metricKey, type Figure } from "./criterion.js";
import type { Goal } from "./goals.js";
import type { Measurement } from "./measurements.js";
import type { Reading } from "./standing.js";

// The values a goal is measured by: the measurement rows of ops/metrics/*.yaml and the values its
// own log records (written by the learning of the threads that serve it).

/**
 * A measurement row's value as a figure of the kind the goal's criterion has: a sum in the row's
 * currency (the workspace's when it names none), a share, or a count. A row another criterion's
 * kind does not fit (a sum in dollars for a goal in euros) stays out of it (criterion.ts comparable).
 */
function figureFor(goal: Goal, row: Measurement, home: string): Figure | undefined {
  const criterion = goal.criteria.find((line) => metricKey(line.criterion.metric) === metricKey(row.metric))?.criterion;
  if (!criterion) return undefined;
  if (row.unit === "%") return { kind: "percent", value: row.value };
  if (criterion.target.kind === "money" || row.currency)
    return { kind: "money", value: row.value, currency: row.currency ?? home };
  return { kind: criterion.target.kind, value: row.value };
}

/** Every value measured for `goal`'s metrics, from the metrics files and its log. */
export function readingsFor(goal: Goal, measurements: readonly Measurement[], home: string): Reading[] {
  const fromFiles = measurements.flatMap((row) => {
    const figure = figureFor(goal, row, home);
    return figure ? [{ date: row.date, metric: row.metric, figure, source: row.file }] : [];
  });
  const fromLog = goal.readings.map(({ date, metric, figure, source }) => ({ date, metric, figure, source }));
  return [...fromFiles, ...fromLog];
}
