import type { Assumption } from "../canvas/assumptions.js";
import { DEFAULT_CURRENCY, workspaceCurrency } from "../text/money.js";
import { statusBacking } from "./assumptionBars.js";
import type { StageContext } from "./context.js";
import type { HypothesisOutput, LearningOutput, OutputSchemaName, StageOutputs } from "../core/stageSchemas.js";

// How far one event may move what the canvas believes, whoever drafted the move. The hypothesis and
// learning skills say the same in words; this is the part a drafter cannot talk its way past.
//
// The bound: one event moves an assumption's confidence at most 15 points, and at most 5 when the
// evidence is second-hand (someone reports what someone else saw). Why 15: one event is one sample.
// From a coin-flip (50%) a belief needs at least two agreeing events to reach the 80% where the canvas
// calls it validated, and three to go from 55% to 90%, which is the "pattern across several threads"
// the skills ask for before a belief is treated as known. 15 still lets a single measured result move
// a belief visibly (almost a third of the way from a coin-flip to certain). Why 5 second-hand: a report of a report
// adds a step where the fact can change, and nobody in the thread can check it; it should nudge, and
// show up as a question for the next first-hand event. Only clear hearsay words are read as
// second-hand, so a direct report is not capped by mistake.
//
// The status rule: an assumption becomes VALIDATED or INVALIDATED only from a measured result held
// against its own bar, the figure its title or hypothesis sets ("25% or more", "under 60 days"). A
// metric of the learning output measures the same thing and meets the bar (VALIDATED) or misses it
// by enough to disprove it (INVALIDATED: under half a floor, over twice a ceiling, the same line the
// offline drafter draws in bars.ts). Anything else is a confidence move, not a verdict, and the status
// update is dropped with the reason written into the draft. The bars are read in assumptionBars.ts.

/** The most points one event moves an assumption's confidence. */
export const MOST_POINTS_PER_EVENT = 15;
/** The most points a second-hand report moves it. */
export const MOST_POINTS_SECOND_HAND = 5;

// Words that say the writer did not see the fact: "reportedly", "we heard that", "word is".
const SECOND_HAND =
  /\b(reportedly|apparently|allegedly|rumou?r(s|ed)?|hearsay|second[- ]?hand|heard (that|from|through|via|about)|word (is|has it)|(we|I)('ve| have)? heard)\b/i;

/** Whether the evidence for a move is second-hand. */
export function readsSecondHand(evidence: string): boolean {
  return SECOND_HAND.test(evidence);
}

/** The most points the move this evidence backs may be. */
export function mostPoints(evidence: string): number {
  return readsSecondHand(evidence) ? MOST_POINTS_SECOND_HAND : MOST_POINTS_PER_EVENT;
}

/** `to`, brought within `most` points of `from`. */
export function boundMove(from: number, to: number, most: number): number {
  return Math.min(from + most, Math.max(from - most, to));
}

const pointsWord = (most: number): string =>
  most === MOST_POINTS_SECOND_HAND
    ? `a second-hand report moves a confidence at most ${most} points`
    : `one event moves a confidence at most ${most} points`;
const withNote = (text: string, note: string): string => `${text} [${note}]`;

/**
 * The hypothesis stage's proposed confidences, each within the bound of the canvas's value today
 * (a drafter's previous_confidence is replaced by it). NEW assumptions have nothing to move from.
 */
export function boundHypothesis(output: HypothesisOutput, assumptions: readonly Assumption[]): HypothesisOutput {
  return {
    ...output,
    tests: output.tests.map((test) => {
      if (test.assumption_id === "NEW") return test;
      const from =
        assumptions.find((assumption) => assumption.id === test.assumption_id)?.confidence ?? test.previous_confidence;
      if (from === null) return test;
      const most = mostPoints(test.evidence);
      const to = boundMove(from, test.proposed_confidence, most);
      if (to === test.proposed_confidence) return { ...test, previous_confidence: from };
      return {
        ...test,
        previous_confidence: from,
        proposed_confidence: to,
        evidence: withNote(
          test.evidence,
          `leanos: ${test.proposed_confidence}% proposed, ${to}% kept: ${pointsWord(most)}`,
        ),
      };
    }),
  };
}

/**
 * The learning stage's moves: each validation's confidence_after and each confidence update within the
 * bound of the canvas's value today, and each update to VALIDATED or INVALIDATED dropped unless a
 * measured metric held against the assumption's bar backs it. Every change is said in the validation's
 * reasoning (or the outcome, when no validation names the assumption).
 */
export function boundLearning(
  output: LearningOutput,
  assumptions: readonly Assumption[],
  home: string = DEFAULT_CURRENCY,
): LearningOutput {
  const find = (id: string): Assumption | undefined => assumptions.find((assumption) => assumption.id === id);
  const notes = new Map<string, string[]>();
  const note = (id: string, text: string): void => void notes.set(id, [...(notes.get(id) ?? []), text]);
  // A move is second-hand when the reasoning given for it is.
  const mostFor = (id: string): number =>
    mostPoints(
      output.validations
        .filter((validation) => validation.assumption_id === id)
        .map((validation) => validation.reasoning)
        .join(" "),
    );

  const validations = output.validations.map((validation) => {
    if (validation.assumption_id === "NEW") return validation;
    const from = find(validation.assumption_id)?.confidence ?? validation.confidence_before;
    if (from === null) return validation;
    const most = mostFor(validation.assumption_id);
    const after = boundMove(from, validation.confidence_after, most);
    if (after !== validation.confidence_after)
      note(
        validation.assumption_id,
        `leanos: confidence ${validation.confidence_after}% proposed, ${after}% kept: ${pointsWord(most)}`,
      );
    return { ...validation, confidence_before: from, confidence_after: after };
  });

  const canvasUpdates = output.canvas_updates.flatMap((update) => {
    const assumption = find(update.assumption_id);
    if (!assumption) return [update];
    if (update.field === "confidence") {
      const to = Number.parseInt(update.to, 10);
      if (!Number.isFinite(to)) return [update];
      const most = mostFor(update.assumption_id);
      const kept = boundMove(assumption.confidence, to, most);
      if (
        kept !== to &&
        !validations.some(
          (validation) => validation.assumption_id === update.assumption_id && validation.confidence_after === kept,
        )
      ) {
        note(update.assumption_id, `leanos: canvas confidence ${to}% proposed, ${kept}% kept: ${pointsWord(most)}`);
      }
      return kept === assumption.confidence
        ? []
        : [{ ...update, from: String(assumption.confidence), to: String(kept) }];
    }
    const status = update.to.trim().toUpperCase();
    if ((status !== "VALIDATED" && status !== "INVALIDATED") || status === assumption.status) return [update];
    const backing = statusBacking(assumption, status, output.metrics, home);
    if (backing.backed) return [update];
    note(
      update.assumption_id,
      `leanos: status ${status} dropped: ${backing.reason}. A status changes only on a measured result against the assumption's bar; a person can still set it in 10-assumptions.md`,
    );
    return [];
  });

  const named = new Set(validations.map((validation) => validation.assumption_id));
  const orphanNotes = [...notes]
    .filter(([id]) => !named.has(id))
    .flatMap(([id, texts]) => texts.map((text) => `${id}: ${text}`));
  return {
    ...output,
    outcome: orphanNotes.reduce(withNote, output.outcome),
    validations: validations.map((validation) => ({
      ...validation,
      reasoning: (notes.get(validation.assumption_id) ?? []).reduce(withNote, validation.reasoning),
    })),
    canvas_updates: canvasUpdates,
  };
}

/** The bound and the status rule for the stages that move a confidence; other stages' outputs pass unchanged. */
export function enforceConfidenceMoves<K extends OutputSchemaName>(
  name: K,
  output: StageOutputs[K],
  context: StageContext,
): StageOutputs[K] {
  if (name === "hypothesis")
    return boundHypothesis(output as HypothesisOutput, context.canvas.assumptions) as StageOutputs[K];
  if (name === "learning")
    return boundLearning(
      output as LearningOutput,
      context.canvas.assumptions,
      workspaceCurrency(context.canvas),
    ) as StageOutputs[K];
  return output;
}
