import { sectionText } from "../../canvas/canvas.js";
import type { StageContext } from "../../stages/context.js";
import type { LearningOutput } from "../../core/stageSchemas.js";
import { DEFAULT_THREAD_TYPES } from "../../core/threadTypes.js";
import { readMetric } from "../../canvas/metrics.js";
import { measuredMetric, MOST_POINTS_PER_EVENT, statusBacking } from "../../stages/confidenceMoves.js";
import { amountsIn, showAmount, workspaceCurrency } from "../../text/money.js";
import { eventTitle, readReport } from "../../text/reading.js";
import { clamp, round2 } from "./implication.js";
import type { EventKind } from "./rules.js";

// The learning stage by rules: what the thread's outcome says of each belief it tested, the canvas
// changes that follow, and the follow-up work worth proposing.

// A belief at 80% or more is validated: the canvas's own line between "we think" and "we know".
const VALIDATED_AT = 80;
// A chain that ended against what the event suggested (a won-looking deal then lost) takes the most
// one event may move a belief (stages/confidenceMoves.ts): an outcome, not a signal.
const CHAIN_REVERSAL = MOST_POINTS_PER_EVENT;
// Rethinking a belief that failed comes before telling a story that worked: the risk compounds while
// the plan still depends on it, so it is proposed a tenth above the thread's impact.
const RETHINK_URGENCY = 0.1;

export function draftLearning(context: StageContext, kind: EventKind): LearningOutput {
  const hypothesis = context.outputs.hypothesis;
  const actions = context.outputs.actions?.actions ?? [];
  const facts = context.outputs.input?.facts ?? [];
  const home = workspaceCurrency(context.canvas);
  // First the figures that measure a tested belief's own bar, named by what they measure ("Sales
  // cycle: 46 days"): a status moves only on one of these (stages/confidenceMoves.ts).
  const measured = (hypothesis?.tests ?? []).flatMap((test) => {
    const assumption = context.canvas.assumptions.find((candidate) => candidate.id === test.assumption_id);
    const metric = assumption && measuredMetric(assumption, test.evidence.split(/(?<=[.!?])\s+/), home);
    return metric ? [{ ...metric, source: context.event.source }] : [];
  });
  const metrics = [
    ...measured.filter(
      (metric, index) =>
        measured.findIndex((other) => other.name === metric.name && other.value === metric.value) === index,
    ),
    ...facts
      .filter((fact) => fact.kind !== "date" && !measured.some((metric) => metric.value === fact.text))
      .map((fact) => ({ name: fact.kind, value: fact.text, source: context.event.source })),
  ].slice(0, 8);
  // A chain that reached a closing state (a deal won or lost) reports an outcome the event did not.
  // (A disqualified lead says nothing about the beliefs the thread tested.)
  const closing = actions
    .map((action) => action.closing)
    .find((state) => state === "closed-won" || state === "closed-lost");
  const outcomeKnown = kind.outcome_known || closing !== undefined;
  const lostChain = closing !== undefined && closing !== "closed-won";
  const validations = (hypothesis?.tests ?? []).map((test) => {
    const direction = lostChain && test.direction === "validates" ? "challenges" : test.direction;
    const result =
      !outcomeKnown || direction === "new"
        ? ("pending" as const)
        : direction === "validates"
          ? ("success" as const)
          : direction === "challenges"
            ? ("partial" as const)
            : ("failure" as const);
    const before = test.previous_confidence ?? test.proposed_confidence;
    const after =
      result === "pending"
        ? before
        : direction === test.direction
          ? test.proposed_confidence
          : Math.max(5, before - CHAIN_REVERSAL);
    return {
      assumption_id: test.assumption_id,
      result,
      confidence_before: test.previous_confidence,
      confidence_after: after,
      reasoning:
        result === "pending"
          ? "The event does not report an outcome yet; the actions will."
          : closing
            ? `The chain ended ${closing}; the event ${test.direction} the assumption: ${test.evidence.slice(0, 160)}`
            : `The event ${test.direction} the assumption: ${test.evidence.slice(0, 200)}`,
    };
  });
  const canvasUpdates: LearningOutput["canvas_updates"] = [];
  for (const validation of validations) {
    if (validation.result === "pending" || validation.assumption_id === "NEW") continue;
    const assumption = context.canvas.assumptions.find((candidate) => candidate.id === validation.assumption_id);
    if (!assumption) continue;
    if (validation.confidence_after !== assumption.confidence) {
      canvasUpdates.push({
        assumption_id: assumption.id,
        field: "confidence",
        from: String(assumption.confidence),
        to: String(validation.confidence_after),
      });
    }
    // A challenge never lifts an invalidated belief back to "challenged". A belief is validated or
    // invalidated only on a measured result against its bar; a failure without one challenges it.
    const backed = (verdict: "VALIDATED" | "INVALIDATED"): boolean =>
      statusBacking(assumption, verdict, metrics, home).backed;
    const status =
      validation.result === "partial" && assumption.status === "INVALIDATED"
        ? "INVALIDATED"
        : validation.result === "failure"
          ? backed("INVALIDATED")
            ? "INVALIDATED"
            : assumption.status === "INVALIDATED"
              ? "INVALIDATED"
              : "CHALLENGED"
          : validation.result === "partial"
            ? "CHALLENGED"
            : validation.confidence_after >= VALIDATED_AT && backed("VALIDATED")
              ? "VALIDATED"
              : assumption.status;
    if (status !== assumption.status)
      canvasUpdates.push({ assumption_id: assumption.id, field: "status", from: assumption.status, to: status });
  }
  const impact = context.outputs.implication?.impact_score ?? 0.5;
  // One follow-up per direction: the strongest validated belief becomes a story to tell, the
  // weakest challenged one a business thread to rethink it.
  const titleOf = (id: string): string => hypothesis?.tests.find((test) => test.assumption_id === id)?.title ?? id;
  const opportunities: LearningOutput["opportunities"] = [];
  // Business as the workspace names it (operations in a workspace that writes that).
  const business = (context.threadTypes ?? DEFAULT_THREAD_TYPES).business;
  const gain = (validation: (typeof validations)[number]): number =>
    validation.confidence_after - (validation.confidence_before ?? validation.confidence_after);
  const validated = validations
    .filter((validation) => validation.result === "success" && validation.confidence_after >= VALIDATED_AT)
    .sort((a, b) => gain(b) - gain(a))[0];
  // A thread whose own actions produced the story needs no separate case-study thread.
  const toldAlready = actions.some((action) => action.type === "marketing:create" && action.status === "completed");
  if (validated && !toldAlready) {
    opportunities.push({
      title: `Case study: ${titleOf(validated.assumption_id)}`,
      priority: round2(impact),
      rationale: `${validated.assumption_id} reached ${validated.confidence_after}% on this thread's evidence; a named customer story helps the next buyers in the segment.`,
      type: "marketing",
    });
  }
  const challenged = validations
    .filter((validation) => validation.result === "partial" || validation.result === "failure")
    .sort((a, b) => a.confidence_after - b.confidence_after)[0];
  if (challenged) {
    opportunities.push({
      title: `Rethink ${challenged.assumption_id}: ${titleOf(challenged.assumption_id)}`,
      priority: round2(clamp(impact + RETHINK_URGENCY)),
      rationale: `The event went against ${challenged.assumption_id} (now ${challenged.confidence_after}%); a ${business} thread should decide what the canvas says instead.`,
      type: business,
    });
  }
  const metricUpdates: LearningOutput["metric_updates"] = [];
  // A won deal's ARR is added to the company's when both are in the same currency; a sum in another
  // currency is left for a person (nothing is converted, see money.ts).
  const arrFact = facts.find((fact) => fact.kind === "money" && /\bARR\b/.test(fact.text));
  const arr = arrFact ? amountsIn(arrFact.text, home)[0] : undefined;
  const currentArr = readMetric(sectionText(context.canvas, "metrics"), "ARR");
  const current = currentArr ? amountsIn(currentArr, home)[0] : undefined;
  if (kind.kind === "deal-won" && arr && arr.value > 0 && currentArr && current && current.currency === arr.currency) {
    metricUpdates.push({
      metric: "ARR",
      from: currentArr,
      to: showAmount(current.value + arr.value, current.currency, true),
    });
  }
  const done = actions.filter((action) => action.status === "completed").length;
  const outcome = `${eventTitle(readReport(context.event.text), context.event.text)}. ${closing ? `The action chain ended ${closing}.` : kind.outcome_known ? "The event reports its outcome." : "The outcome is not known yet."} ${actions.length} action(s), ${done} completed.`;
  const decision = context.outputs.decision;
  const held = validations.filter((validation) => validation.result === "success").length;
  const against = validations.filter(
    (validation) => validation.result === "partial" || validation.result === "failure",
  ).length;
  const results: LearningOutput["results"] = decision
    ? {
        expected: decision.statement,
        actual: outcome,
        variance: outcomeKnown
          ? `${held} of ${validations.length} tested assumption(s) held and ${against} went against the canvas${lostChain ? `; the chain ended ${closing} where the event pointed the other way` : ""}.`
          : "Not known yet: the outcome has not been reported.",
      }
    : null;
  // Surprises: a chain that ended against what the event suggested, and beliefs the canvas did not have.
  const surprises: LearningOutput["surprises"] = [];
  if (lostChain) {
    for (const test of (hypothesis?.tests ?? []).filter((candidate) => candidate.direction === "validates")) {
      surprises.push({
        kind: "negative",
        surprise: `The chain ended ${closing} although the event supported ${test.assumption_id} "${test.title}".`,
        impact: `${test.assumption_id} loses the confidence the event gave it.`,
      });
    }
  }
  for (const test of (hypothesis?.tests ?? []).filter((candidate) => candidate.assumption_id === "NEW")) {
    surprises.push({
      kind: kind.polarity === "negative" ? "negative" : "positive",
      surprise: `Not in the canvas: ${test.title}.`,
      impact: "A new assumption to test before the canvas relies on it.",
    });
  }
  // Prediction accuracy: each expected outcome of the decision against what the thread shows now.
  const horizons = [
    ["3-month", decision?.expected_outcomes?.month_3 ?? []],
    ["6-month", decision?.expected_outcomes?.month_6 ?? []],
    ["12-month", decision?.expected_outcomes?.month_12 ?? []],
  ] as const;
  const prediction_accuracy: LearningOutput["prediction_accuracy"] = horizons.flatMap(([horizon, predictions]) =>
    predictions.map((prediction) => {
      const action = actions.find((candidate) => prediction.startsWith(`${candidate.title} (${candidate.type})`));
      if (action) {
        if (action.status === "completed")
          return { horizon, prediction, actual: `done${action.outcome ? ` (${action.outcome})` : ""}`, accuracy: 100 };
        if (action.status === "archived" || action.status === "blocked")
          return { horizon, prediction, actual: `not done: ${action.status}`, accuracy: 0 };
        return { horizon, prediction, actual: `not in yet: ${action.status}`, accuracy: null };
      }
      const validation = validations.find(
        (candidate) => candidate.assumption_id !== "NEW" && prediction.startsWith(`${candidate.assumption_id} `),
      );
      if (validation && validation.result !== "pending") {
        const accuracy = validation.result === "success" ? 100 : validation.result === "failure" ? 0 : 50;
        return {
          horizon,
          prediction,
          actual: `${validation.result}: ${validation.assumption_id} at ${validation.confidence_after}%`,
          accuracy,
        };
      }
      return { horizon, prediction, actual: "not in yet", accuracy: null };
    }),
  );
  return {
    outcome,
    metrics,
    validations,
    canvas_updates: canvasUpdates,
    metric_updates: metricUpdates,
    opportunities,
    results,
    surprises,
    prediction_accuracy,
  };
}
