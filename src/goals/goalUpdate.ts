import { meets, metricKey, parseCriterion, showFigure } from "./criterion.js";
import type { Goal } from "./goals.js";
import type { GoalMeasurement } from "./measure.js";

// A goal file with what a thread measured written in: a Log line per value, in the form the log is
// read back in ("- 2026-12-08: MRR = €5,000 (sales/elsaai-deal-closed; €1,000 + €4,000 from ...)"), and
// the criteria and milestones the value meets checked. A thread's line for a metric is replaced, not
// added again, so a step run twice (a crash, a redraft) leaves one line.

/** The source of a log line: the thread, then the basis, with no bracket the log's reading could take for its end. */
const sourceOf = (thread: string, basis: string): string =>
  `${thread}; ${basis.replace(/[()]/g, "")}`.replace(/\s+/g, " ");

/** The goal file's text with `measured` written in (the log lines, the criteria and milestones met checked). */
export function withMeasurements(
  text: string,
  goal: Goal,
  measured: readonly GoalMeasurement[],
  thread: string,
  date: string,
  home: string,
): string {
  const lines = text.split("\n");
  const checked = (line: number): void => {
    lines[line - 1] = lines[line - 1]!.replace(/\[ \]/, "[x]");
  };
  for (const measurement of measured) {
    for (const criterion of goal.criteria)
      if (
        metricKey(criterion.criterion.metric) === metricKey(measurement.metric) &&
        meets(criterion.criterion, measurement.figure.value)
      )
        checked(criterion.line);
    for (const milestone of goal.milestones) {
      const bar = parseCriterion(milestone.text, home);
      if (
        !("problem" in bar) &&
        metricKey(bar.metric) === metricKey(measurement.metric) &&
        meets(bar, measurement.figure.value)
      )
        checked(milestone.line);
    }
  }
  let body = lines.join("\n");
  for (const measurement of measured) {
    const line = `- ${date}: ${measurement.metric} = ${showFigure(measurement.figure)} (${sourceOf(thread, measurement.basis)})`;
    const mine = new RegExp(
      `^- \\d{4}-\\d{2}-\\d{2}: ${escaped(measurement.metric)} = .*\\(${escaped(thread)}; .*$`,
      "m",
    );
    body = mine.test(body) ? body.replace(mine, line) : appendedToLog(body, line);
  }
  return body;
}

/** `text` with `line` as the last line of its `## Log` section (a section made at the end if there is none). */
export function appendedToLog(text: string, line: string): string {
  const lines = text.replace(/\n*$/, "").split("\n");
  const log = lines.findIndex((entry) => /^##\s+log\s*$/i.test(entry));
  if (log < 0) return `${lines.join("\n")}\n\n## Log\n${line}\n`;
  const next = lines.findIndex((entry, index) => index > log && /^#{1,3}\s/.test(entry));
  let end = next < 0 ? lines.length : next;
  while (end > log + 1 && lines[end - 1]!.trim() === "") end -= 1;
  lines.splice(end, 0, line);
  return `${lines.join("\n")}\n`;
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
