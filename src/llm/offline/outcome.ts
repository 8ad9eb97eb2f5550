import type { StageContext } from "../../stages/context.js";
import type { HypothesisOutput, LearningOutput, PlannedAction } from "../../core/stageSchemas.js";
import { eventTitle, readReport } from "../../text/reading.js";
import type { EventKind } from "./rules.js";

// What a thread came to, for the learning stage: how its action chain ended, the outcome in a line,
// and the decision held against it (LeanOS's results summary, surprises and prediction accuracy).

type Validation = LearningOutput["validations"][number];

/** How the thread's action chain ended, and so whether its outcome is known. */
export interface ChainEnd {
  /** The closing state the chain reached (a deal won or lost), if any. */
  closing: string | undefined;
  outcomeKnown: boolean;
  /** The chain reached a closing state other than a win. */
  lostChain: boolean;
}

export function chainEnd(actions: readonly PlannedAction[], kind: EventKind): ChainEnd {
  // A chain that reached a closing state (a deal won or lost) reports an outcome the event did not.
  // (A disqualified lead says nothing about the beliefs the thread tested.)
  const closing = actions
    .map((action) => action.closing)
    .find((state) => state === "closed-won" || state === "closed-lost");
  return {
    closing,
    outcomeKnown: kind.outcome_known || closing !== undefined,
    lostChain: closing !== undefined && closing !== "closed-won",
  };
}

/** The outcome in a line: the event, how the chain ended (or whether the event reports it), the actions done. */
export function outcomeOf(
  context: StageContext,
  kind: EventKind,
  closing: string | undefined,
  actions: readonly PlannedAction[],
): string {
  const done = actions.filter((action) => action.status === "completed").length;
  return `${eventTitle(readReport(context.event.text), context.event.text)}. ${closing ? `The action chain ended ${closing}.` : kind.outcome_known ? "The event reports its outcome." : "The outcome is not known yet."} ${actions.length} action(s), ${done} completed.`;
}

/** LeanOS's results summary: what the decision expected, what happened, the difference; null without a decision. */
export function resultsOf(
  context: StageContext,
  outcome: string,
  validations: readonly Validation[],
  end: ChainEnd,
): LearningOutput["results"] {
  const decision = context.outputs.decision;
  const held = validations.filter((validation) => validation.result === "success").length;
  const against = validations.filter(
    (validation) => validation.result === "partial" || validation.result === "failure",
  ).length;
  return decision
    ? {
        expected: decision.statement,
        actual: outcome,
        variance: end.outcomeKnown
          ? `${held} of ${validations.length} tested assumption(s) held and ${against} went against the canvas${end.lostChain ? `; the chain ended ${end.closing} where the event pointed the other way` : ""}.`
          : "Not known yet: the outcome has not been reported.",
      }
    : null;
}

/** Surprises: a chain that ended against what the event suggested, and beliefs the canvas did not have. */
export function surprisesOf(
  tests: HypothesisOutput["tests"],
  kind: EventKind,
  end: ChainEnd,
): LearningOutput["surprises"] {
  const surprises: LearningOutput["surprises"] = [];
  if (end.lostChain) {
    for (const test of tests.filter((candidate) => candidate.direction === "validates")) {
      surprises.push({
        kind: "negative",
        surprise: `The chain ended ${end.closing} although the event supported ${test.assumption_id} "${test.title}".`,
        impact: `${test.assumption_id} loses the confidence the event gave it.`,
      });
    }
  }
  for (const test of tests.filter((candidate) => candidate.assumption_id === "NEW")) {
    surprises.push({
      kind: kind.polarity === "negative" ? "negative" : "positive",
      surprise: `Not in the canvas: ${test.title}.`,
      impact: "A new assumption to test before the canvas relies on it.",
    });
  }
  return surprises;
}

/** Prediction accuracy: each expected outcome of the decision against what the thread shows now. */
export function predictionAccuracy(
  context: StageContext,
  validations: readonly Validation[],
): LearningOutput["prediction_accuracy"] {
  const decision = context.outputs.decision;
  const actions = context.outputs.actions?.actions ?? [];
  const horizons = [
    ["3-month", decision?.expected_outcomes?.month_3 ?? []],
    ["6-month", decision?.expected_outcomes?.month_6 ?? []],
    ["12-month", decision?.expected_outcomes?.month_12 ?? []],
  ] as const;
  return horizons.flatMap(([horizon, predictions]) =>
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
}
