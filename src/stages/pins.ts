import type { z } from "zod";
import type { Canvas } from "../canvas/canvas.js";
import type { DecisionOutput, Direction, HypothesisOutput, InputOutput } from "../core/stageSchemas.js";
import type { Pins } from "../core/reading.js";

/**
 * A drafted stage output with the pinned values put back: the amounts on the input, the assumptions'
 * directions on the hypothesis (tests a person left out are dropped, those they added are added from
 * the canvas), the verdict on the decision.
 */
export function withPins(
  schema: string,
  output: unknown,
  pins: Pins | undefined,
  canvas: Canvas,
  by = "a person",
): unknown {
  const pinned = pinnedOutput(schema, output, pins, canvas, by);
  // What a person set is not the drafter's guess: the stage no longer says it was unsure.
  return pinned === output ? output : { ...(pinned as Record<string, unknown>), confidence: { score: 1, reasons: [] } };
}

function pinnedOutput(schema: string, output: unknown, pins: Pins | undefined, canvas: Canvas, by: string): unknown {
  if (!pins) return output;
  if (schema === "input" && (pins.facts || pins.goal !== undefined)) {
    const input = output as InputOutput;
    return {
      ...input,
      ...(pins.facts ? { facts: pins.facts } : {}),
      ...(pins.goal === undefined
        ? {}
        : { goal: pins.goal === null ? null : { id: pins.goal, reason: `linked by ${by}` } }),
    };
  }
  if (schema === "decision" && pins.verdict) {
    const decision = output as DecisionOutput;
    return {
      ...decision,
      verdict: pins.verdict,
      ...(decision.verdict === pins.verdict
        ? {}
        : { statement: `${pins.verdict}: ${decision.statement.replace(/^[A-Z]+:\s*/, "")}` }),
    };
  }
  if (schema === "hypothesis" && pins.assumptions)
    return withTests(output as HypothesisOutput, pins.assumptions, canvas, `${by}'s correction of the reading`);
  return output;
}

/**
 * A hypothesis whose tests are `assumptions` in their directions: a test drafted the same way keeps
 * its evidence and move, one drafted otherwise or not at all is set from the canvas with a modest
 * move, its evidence saying where it came from (`source`); tests left out are dropped.
 */
export function withTests(
  hypothesis: HypothesisOutput,
  assumptions: ReadonlyArray<{ id: string; direction: z.infer<typeof Direction> }>,
  canvas: Canvas,
  source: string,
): HypothesisOutput {
  const tests = assumptions.map((pinned) => {
    const drafted = hypothesis.tests.find((test) => test.assumption_id === pinned.id);
    const assumption = canvas.assumptions.find((candidate) => candidate.id === pinned.id);
    const previous = drafted?.previous_confidence ?? assumption?.confidence ?? null;
    const kept = drafted !== undefined && drafted.direction === pinned.direction;
    return {
      assumption_id: pinned.id,
      title: drafted?.title ?? assumption?.title ?? "a new assumption",
      direction: pinned.direction,
      previous_confidence: previous,
      proposed_confidence: kept ? drafted.proposed_confidence : movedConfidence(previous, pinned.direction),
      evidence: kept ? drafted.evidence : `${pinned.direction} by ${source}`,
    };
  });
  return { ...hypothesis, tests };
}

/** A modest move the way a person set: one event is one event, whoever reads it. */
function movedConfidence(previous: number | null, direction: z.infer<typeof Direction>): number {
  const from = previous ?? 50;
  const step = direction === "validates" ? 5 : direction === "challenges" ? -5 : direction === "invalidates" ? -10 : 0;
  return Math.max(0, Math.min(100, from + step));
}
