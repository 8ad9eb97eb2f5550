import type { StageContext } from "../../stages/context.js";
import type { DraftConfidence, HypothesisOutput } from "../../core/stageSchemas.js";
import { kindOfType } from "../../core/threadTypes.js";
import { workspaceCurrency } from "../../text/money.js";
import { readReport, type Reading } from "../../text/reading.js";
import { inherited } from "./confidence.js";
import { hypothesisConfidence } from "./hypothesisConfidence.js";
import { inputConfidence } from "./inputConfidence.js";
import { detectKind, type EventKind } from "./rules.js";

// What every offline stage drafts from: the rules' reading of the thread's event, the confidence of
// the stages before it, and a reviewer's feedback.

/** What the rules read of this thread's event, and its kind (by its origin, or by what it reports). */
export function understood(context: StageContext): { reading: Reading; kind: EventKind } {
  const reading = readReport(context.event.text);
  // The rules know LeanOS's kinds: operations, and every type a workspace declares, is read as business.
  return { reading, kind: detectKind(reading, context.event.origin, kindOfType(context.type)) };
}

// The stages in the order they build on one another: a stage's confidence is inherited from those before it.
export const CHAIN = ["input", "hypothesis", "implication", "decision", "actions", "learning"] as const;
type Chained = (typeof CHAIN)[number];

/** How sure the rules are of the input stage's reading of this thread's event (inputConfidence.ts). */
export function readingConfidence(context: StageContext): DraftConfidence {
  const { reading, kind } = understood(context);
  return inputConfidence(context.event, reading, kind, workspaceCurrency(context.canvas));
}

/** How sure the rules are of the assumptions these tests were drafted on. */
export function testsConfidence(context: StageContext, tests: HypothesisOutput["tests"]): DraftConfidence {
  return hypothesisConfidence(context.canvas.assumptions, understood(context).reading, tests);
}

/**
 * The confidence of a stage that builds on the earlier ones: the least of theirs, with all their
 * reasons (confidence.ts inherited). Each earlier stage's is the one its draft carries; an input or
 * hypothesis drafted without one (by another drafter, or absent from a workspace's graph) is judged
 * again by the rules, as its doubts are the event's, whoever drafted it.
 */
export function builtOn(context: StageContext, stages: readonly Chained[]): { confidence?: DraftConfidence } {
  const outputs = context.outputs;
  const confidences = stages.map((stage) => {
    const said = outputs[stage]?.confidence;
    if (said) return said;
    if (stage === "input") return readingConfidence(context);
    if (stage === "hypothesis" && outputs.hypothesis) return testsConfidence(context, outputs.hypothesis.tests);
    return undefined;
  });
  const confidence = inherited(confidences);
  return confidence ? { confidence } : {};
}

/** The stages before `stage` in the chain. */
export const before = (stage: Chained): Chained[] => CHAIN.slice(0, CHAIN.indexOf(stage));

/** A draft's text, with the reviewer's feedback it was revised after, when there is some. */
export function withFeedback(text: string, context: StageContext): string {
  return context.feedback ? `${text} Revised after review feedback: "${context.feedback}".` : text;
}
