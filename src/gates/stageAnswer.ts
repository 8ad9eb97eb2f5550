import { Command } from "@langchain/langgraph";
import type { GateKind } from "../core/gateKind.js";
import type { Reading } from "../core/reading.js";
import { CORRECT_NODE, stageNodeName, type GraphKit } from "../graph/kit.js";
import type { GraphNode } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { readingEdit } from "./readingEdit.js";
import { isDecision } from "./stageQuestion.js";
import { editedValues, gatePayload, reviewOf, type GateQuestion, type GateResponse } from "./wire.js";

// What a person's answer at a stage gate does: an edit of the decision's reading is a correction
// (correct.ts redrafts from the first stage it changes); a respond sends the stage back to be
// redrafted; an accept or edit settles the draft. The answer is recorded, and at a decision judged
// against the drafter's own reading.

/** The question a stage gate put, and what it needs to take the answer. */
export interface StageAsked {
  kit: GraphKit;
  node: GraphNode;
  kind: GateKind;
  state: ThreadGraphState;
  question: GateQuestion;
  /** The drafter's reading shown at a decision. */
  reading: Reading | undefined;
  /** How the audit log words what became of the stage: `decision "..." accepted`. */
  summaryOf: (answer: string) => string;
}

/** Whether a person's accept agrees with the drafter's own reading: no earlier answer or correction of this decision. */
const firstLook = (state: ThreadGraphState, stage: string): boolean =>
  (state.reviews[stage] === undefined || state.reviews[stage]!.by === "policy") && state.pins === undefined;

export async function takeStageAnswer(asked: StageAsked, response: GateResponse): Promise<Command> {
  const { kit, node, kind, state, reading } = asked;
  const stage = node.skill.stage.stage;
  const decision = isDecision(node);
  const review = reviewOf(response);
  kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer });
  const corrected =
    response.type === "edit" && decision
      ? readingEdit(gatePayload(asked.question), editedValues(response), kit.env.canvas, kit.env.workspace.threadTypes)
      : undefined;
  const judged =
    decision && !corrected && reading
      ? {
          type: state.type,
          judged: review.answer === "accept" && firstLook(state, stage) ? ("agreed" as const) : ("corrected" as const),
          reading,
          ...finalOf(reading, response),
        }
      : undefined;
  // An accept of a draft a person already changed judges nothing: it is their reading now.
  const counted = judged && (judged.judged === "corrected" || firstLook(state, stage)) ? judged : undefined;
  await kit.env.onGateAnswered?.(state.thread, {
    gate: kind,
    stage,
    review,
    summary: asked.summaryOf(
      corrected
        ? "corrected: the reading is drafted again"
        : review.answer === "respond"
          ? "sent back for a redraft"
          : `${review.answer}ed`,
    ),
    ...(counted ? { judged: counted } : {}),
  });
  if (corrected) {
    return new Command({
      update: {
        reviews: { [stage]: review },
        correction: {
          fields: corrected,
          by: review.by,
          at: review.at,
          reason: "the reading was edited at the decision gate",
          via: "gate",
        },
      },
      goto: CORRECT_NODE,
    });
  }
  if (response.type === "response") {
    return new Command({
      update: { feedback: { [stage]: review.feedback ?? "" }, reviews: { [stage]: review } },
      goto: stageNodeName(node),
    });
  }
  const output = state.outputs[stage] as Record<string, unknown>;
  const edits = response.type === "edit" ? withoutReading(editedValues(response)) : {};
  const finalOutput = await kit.stamped(state, node, { ...output, ...edits });
  await kit.writeFiles(
    { ...state, outputs: { ...state.outputs, [stage]: finalOutput }, reviews: { ...state.reviews, [stage]: review } },
    node,
  );
  return new Command({
    update: { outputs: { [stage]: finalOutput }, reviews: { [stage]: review } },
    goto: kit.after(node, kind),
  });
}

/** The reading a person gave with an answer: the one drafted when accepted, its verdict changed by an edit of it, none for a respond or reject. */
function finalOf(reading: Reading, response: { type: string }): { final?: Reading } {
  if (response.type === "accept") return { final: reading };
  const verdict =
    response.type === "edit" ? (editedValues(response as never) as { verdict?: unknown }).verdict : undefined;
  return typeof verdict === "string" && verdict !== reading.verdict
    ? { final: { ...reading, verdict: verdict as Reading["verdict"] } }
    : {};
}

/** An edit's values without the reading's own fields (sent back unchanged by an inbox that returns every field). */
function withoutReading(edits: Record<string, unknown>): Record<string, unknown> {
  const { type: _type, assumptions: _assumptions, facts: _facts, ...rest } = edits;
  return rest;
}
