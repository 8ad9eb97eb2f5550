import { sectionText } from "../../canvas/canvas.js";
import type { Assumption } from "../../canvas/assumptions.js";
import type { StageContext } from "../../stages/context.js";
import type { HypothesisOutput, LearningOutput } from "../../core/stageSchemas.js";
import { DEFAULT_THREAD_TYPES } from "../../core/threadTypes.js";
import { readMetric } from "../../canvas/metrics.js";
import { measuredMetric, statusBacking } from "../../stages/assumptionBars.js";
import { MOST_POINTS_PER_EVENT } from "../../stages/confidenceMoves.js";
import { amountsIn, showAmount, workspaceCurrency } from "../../text/money.js";
import { clamp, round2 } from "./implication.js";
import { chainEnd, outcomeOf, predictionAccuracy, resultsOf, surprisesOf, type ChainEnd } from "./outcome.js";
import type { EventKind } from "./rules.js";
import { before, builtOn, understood } from "./stageBasis.js";

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

type Validation = LearningOutput["validations"][number];
type Metric = LearningOutput["metrics"][number];

export function draftLearning(context: StageContext): LearningOutput {
  const { kind } = understood(context);
  const tests = context.outputs.hypothesis?.tests ?? [];
  const actions = context.outputs.actions?.actions ?? [];
  const home = workspaceCurrency(context.canvas);
  const metrics = metricsOf(context, home);
  const end = chainEnd(actions, kind);
  const validations = tests.map((test) => validationOf(test, end));
  const outcome = outcomeOf(context, kind, end.closing, actions);
  return {
    outcome,
    metrics,
    validations,
    canvas_updates: canvasUpdatesOf(context, validations, metrics, home),
    metric_updates: metricUpdatesOf(context, kind, home),
    opportunities: opportunitiesOf(context, validations),
    results: resultsOf(context, outcome, validations, end),
    surprises: surprisesOf(tests, kind, end),
    prediction_accuracy: predictionAccuracy(context, validations),
    ...builtOn(context, before("learning")),
  };
}

/**
 * First the figures that measure a tested belief's own bar, named by what they measure ("Sales
 * cycle: 46 days"): a status moves only on one of these (stages/confidenceMoves.ts). Then the
 * event's other facts but its dates.
 */
function metricsOf(context: StageContext, home: string): Metric[] {
  const facts = context.outputs.input?.facts ?? [];
  const measured = (context.outputs.hypothesis?.tests ?? []).flatMap((test) => {
    const assumption = context.canvas.assumptions.find((candidate) => candidate.id === test.assumption_id);
    const metric = assumption && measuredMetric(assumption, test.evidence.split(/(?<=[.!?])\s+/), home);
    return metric ? [{ ...metric, source: context.event.source }] : [];
  });
  return [
    ...measured.filter(
      (metric, index) =>
        measured.findIndex((other) => other.name === metric.name && other.value === metric.value) === index,
    ),
    ...facts
      .filter((fact) => fact.kind !== "date" && !measured.some((metric) => metric.value === fact.text))
      .map((fact) => ({ name: fact.kind, value: fact.text, source: context.event.source })),
  ].slice(0, 8);
}

/** What the outcome says of one tested belief: pending until it is known, and against it when the chain was lost. */
function validationOf(test: HypothesisOutput["tests"][number], end: ChainEnd): Validation {
  const direction = end.lostChain && test.direction === "validates" ? "challenges" : test.direction;
  const result =
    !end.outcomeKnown || direction === "new"
      ? ("pending" as const)
      : direction === "validates"
        ? ("success" as const)
        : direction === "challenges"
          ? ("partial" as const)
          : ("failure" as const);
  const previous = test.previous_confidence ?? test.proposed_confidence;
  const after =
    result === "pending"
      ? previous
      : direction === test.direction
        ? test.proposed_confidence
        : Math.max(5, previous - CHAIN_REVERSAL);
  return {
    assumption_id: test.assumption_id,
    result,
    confidence_before: test.previous_confidence,
    confidence_after: after,
    reasoning:
      result === "pending"
        ? "The event does not report an outcome yet; the actions will."
        : end.closing
          ? `The chain ended ${end.closing}; the event ${test.direction} the assumption: ${test.evidence.slice(0, 160)}`
          : `The event ${test.direction} the assumption: ${test.evidence.slice(0, 200)}`,
  };
}

/** The canvas changes the validations propose: each belief's new confidence, and its status where that moves. */
function canvasUpdatesOf(
  context: StageContext,
  validations: readonly Validation[],
  metrics: readonly Metric[],
  home: string,
): LearningOutput["canvas_updates"] {
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
    const status = statusAfter(assumption, validation, metrics, home);
    if (status !== assumption.status)
      canvasUpdates.push({ assumption_id: assumption.id, field: "status", from: assumption.status, to: status });
  }
  return canvasUpdates;
}

/**
 * A belief's status after a validation. A challenge never lifts an invalidated belief back to
 * "challenged". A belief is validated or invalidated only on a measured result against its bar; a
 * failure without one challenges it.
 */
function statusAfter(
  assumption: Assumption,
  validation: Validation,
  metrics: readonly Metric[],
  home: string,
): Assumption["status"] {
  const backed = (verdict: "VALIDATED" | "INVALIDATED"): boolean =>
    statusBacking(assumption, verdict, metrics, home).backed;
  return validation.result === "partial" && assumption.status === "INVALIDATED"
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
}

/**
 * One follow-up per direction: the strongest validated belief becomes a story to tell, the weakest
 * challenged one a business thread to rethink it.
 */
function opportunitiesOf(context: StageContext, validations: readonly Validation[]): LearningOutput["opportunities"] {
  const hypothesis = context.outputs.hypothesis;
  const actions = context.outputs.actions?.actions ?? [];
  const impact = context.outputs.implication?.impact_score ?? 0.5;
  const titleOf = (id: string): string => hypothesis?.tests.find((test) => test.assumption_id === id)?.title ?? id;
  const opportunities: LearningOutput["opportunities"] = [];
  // Business as the workspace names it (operations in a workspace that writes that).
  const business = (context.threadTypes ?? DEFAULT_THREAD_TYPES).business;
  const gain = (validation: Validation): number =>
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
  return opportunities;
}

/**
 * A won deal's ARR is added to the company's when both are in the same currency; a sum in another
 * currency is left for a person (nothing is converted, see money.ts).
 */
function metricUpdatesOf(context: StageContext, kind: EventKind, home: string): LearningOutput["metric_updates"] {
  const facts = context.outputs.input?.facts ?? [];
  const metricUpdates: LearningOutput["metric_updates"] = [];
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
  return metricUpdates;
}
