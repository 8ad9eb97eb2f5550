import { sectionText } from "../../canvas/canvas.js";
import type { ActionTemplate, StageContext } from "../../stages/context.js";
import { decisionStatusOf } from "../../stages/decisionRecord.js";
import type { DecisionOutput } from "../../core/stageSchemas.js";
import { needsHuman, stageNeedsPerson } from "../../core/policy.js";
import { addDays } from "../../files/dates.js";
import { termsOf } from "../../text/relevance.js";

// LeanOS's decision record (status, impact score, human flag, scope, success metrics, expected
// outcomes, accountability) by rules, from what the thread already holds: the plan's actions and
// their templates, the assumptions tested, the implication's score, the canvas's metrics table.
// Nothing here is a new number: every figure is the canvas's, a template's or the thread's.

type Record_ = Pick<
  DecisionOutput,
  "status" | "impact_score" | "human_flagged" | "scope" | "success_metrics" | "expected_outcomes" | "accountability"
>;

interface MetricRow {
  metric: string;
  current: string;
  target: string;
  targetHeading: string;
}

/** The rows of the metrics section's `| Metric | Current | Target | ... |` tables. */
function metricRows(text: string): MetricRow[] {
  const rows: MetricRow[] = [];
  let targetHeading = "Target";
  for (const line of text.split("\n")) {
    if (!line.trimStart().startsWith("|")) continue;
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells.length < 3 || /^:?-+:?$/.test(cells[0] ?? "")) continue;
    if (cells[0]!.toLowerCase() === "metric") {
      targetHeading = cells[2] ?? "Target";
      continue;
    }
    if (!/^target/i.test(targetHeading)) continue;
    rows.push({ metric: cells[0]!, current: cells[1]!, target: cells[2]!, targetHeading });
  }
  return rows;
}

const MOST_METRICS = 3;
const DAYS_3_MONTHS = 91;
const DAYS_6_MONTHS = 182;

type Planned = { action: DecisionOutput["actions"][number]; template: ActionTemplate | undefined };

export function draftDecisionRecord(
  context: StageContext,
  decision: Pick<DecisionOutput, "verdict" | "actions" | "alternatives">,
): Record_ {
  const impact = context.outputs.implication?.impact_score ?? null;
  const templates = decision.actions.map((action) => ({ action, template: context.actionTemplates.get(action.type) }));
  // LeanOS's rule as far as the drafter can see it (impact against the threshold, or an action that
  // needs a person); the workspace's policy (gates/policy.ts) settles it when the gate is reached.
  const human_flagged =
    stageNeedsPerson(["impact"], impact, context.approvalThreshold) ||
    templates.some(({ template }) => template !== undefined && needsHuman(template));
  const metricsText = sectionText(context.canvas, "metrics");
  const metricsOwner = /\bOwner:\s*([^.\n_*]+)/.exec(metricsText)?.[1]?.trim();
  const rows = metricsSpokenOf(context, decision, metricsText);
  const metricsOwnerText = metricsOwner ? `${metricsOwner} (owner of the canvas's metrics)` : "the decision's approver";
  const success_metrics =
    decision.verdict === "REJECT"
      ? []
      : rows.map((row) => ({
          metric: row.metric,
          target: `${row.target} (${
            row.targetHeading
              .replace(/^target\s*/i, "")
              .replace(/[()]/g, "")
              .trim() || "canvas target"
          })`,
          measurement: `the ${row.metric} row of the canvas's metrics section (now ${row.current})`,
          frequency: "at each metrics snapshot",
          owner: metricsOwner ?? "the decision's approver",
        }));
  return {
    status: decisionStatusOf(decision.verdict),
    impact_score: impact,
    human_flagged,
    scope: {
      includes: decision.actions.map((action) => action.title),
      excludes: decision.alternatives.map((alternative) => alternative.option),
    },
    success_metrics,
    expected_outcomes: expectedOutcomes(context, decision.verdict, templates, rows),
    accountability: {
      decision_owner: "whoever answers the decision gate: a person when it is human flagged, else the autonomy policy",
      execution_owner: executionOwner(templates),
      success_metrics_owner: success_metrics.length > 0 ? metricsOwnerText : "none: no metric named",
    },
  };
}

/** Success metrics: the canvas's metric rows the event or the plan speaks of, most words in common first. */
function metricsSpokenOf(
  context: StageContext,
  decision: Pick<DecisionOutput, "actions">,
  metricsText: string,
): MetricRow[] {
  const spoken = termsOf([context.event.text, ...decision.actions.map((action) => action.title)].join("\n"));
  return metricRows(metricsText)
    .map((row, index) => ({ row, index, overlap: [...termsOf(row.metric)].filter((term) => spoken.has(term)).length }))
    .filter((entry) => entry.overlap > 0)
    .sort((a, b) => b.overlap - a.overlap || a.index - b.index)
    .slice(0, MOST_METRICS)
    .map(({ row }) => row);
}

/** Who carries the plan out: each owner its templates name, with the action types they own. */
function executionOwner(templates: readonly Planned[]): string {
  const owners = [
    ...new Set(templates.map(({ template }) => template?.action.owner).filter((owner) => owner !== undefined)),
  ];
  return owners.length > 0
    ? owners
        .map(
          (owner) =>
            `${owner} (${templates
              .filter(({ template }) => template?.action.owner === owner)
              .map(({ action }) => action.type)
              .join(", ")})`,
        )
        .join("; ")
    : "none: no actions start";
}

/**
 * Expected outcomes: each action by the day its template's duration brings it to, in order; the
 * tested assumptions settled by their results; the metrics' targets over the year.
 */
function expectedOutcomes(
  context: StageContext,
  verdict: DecisionOutput["verdict"],
  templates: readonly Planned[],
  rows: readonly MetricRow[],
): Record_["expected_outcomes"] {
  const expected_outcomes: Record_["expected_outcomes"] = { month_3: [], month_6: [], month_12: [] };
  let due = context.today;
  let days = 0;
  for (const { action, template } of templates) {
    const duration = template?.action.duration_days ?? 7;
    due = addDays(due, duration);
    days += duration;
    const bucket =
      days <= DAYS_3_MONTHS
        ? expected_outcomes.month_3
        : days <= DAYS_6_MONTHS
          ? expected_outcomes.month_6
          : expected_outcomes.month_12;
    bucket.push(`${action.title} (${action.type}) done by ${due}`);
  }
  const tests = (context.outputs.hypothesis?.tests ?? []).filter((test) => test.assumption_id !== "NEW");
  if (verdict !== "REJECT") {
    for (const test of tests) {
      expected_outcomes.month_6.push(
        `${test.assumption_id} "${test.title}" settled by the actions' results: held at ${test.proposed_confidence}% or revised`,
      );
    }
    for (const row of rows)
      expected_outcomes.month_12.push(`${row.metric} moving from ${row.current} toward ${row.target}`);
  }
  return expected_outcomes;
}
