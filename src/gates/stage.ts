import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Review } from "../stages/context.js";
import { CORRECT_NODE, gateNodeName, stageNodeName, type GraphKit } from "../graph/kit.js";
import type { GraphNode } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import type { GateView } from "../threads/stageFiles.js";
import { checkEditedDraft } from "./check.js";
import { askPerson, type GateDefinition } from "./definition.js";
import type { GateKind } from "../core/gateKind.js";
import { readingEdit } from "./readingEdit.js";
import { takeStageAnswer } from "./stageAnswer.js";
import { isDecision, stageQuestion } from "./stageQuestion.js";

/**
 * A gate on a whole stage: `impact` asks as the workspace's policy says (gates/policy.ts: the impact
 * threshold, the autonomy mode, the drafts' confidence), `always` asks every time. Accept, edit
 * (checked against the stage's schema with the workspace's refinements), respond (the stage is
 * redrafted) or reject. At a decision the drafter's reading is shown and editable too: an edit of it
 * is a correction, which redrafts from the first stage it changes (correct.ts).
 */
export const stageGate: GateDefinition = {
  nodes: (kit, node, kind) => [
    {
      name: gateNodeName(node, kind),
      fn: stageGateNode(kit, node, kind),
      ends: [stageNodeName(node), gateNodeName(node, kind), kit.after(node, kind), CORRECT_NODE],
    },
  ],
  checkEdit: (payload, edits, context) => {
    const reading = readingEdit(payload, edits, context.canvas, context.threadTypes);
    if (reading) return;
    checkEditedDraft(payload, edits, context.stageSchema(payload.leanos.stage));
  },
};

/** The gate's node: the policy takes the draft when no person is needed; otherwise a person is asked (stageQuestion.ts) and their answer taken (stageAnswer.ts). */
function stageGateNode(kit: GraphKit, node: GraphNode, kind: GateKind) {
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const stage = node.skill.stage.stage;
    const output = state.outputs[stage] as Record<string, unknown>;
    const view = await kit.gateView(state, node);
    const statement = String(output.statement ?? output.verdict ?? stage);
    const summaryOf = (answer: string): string =>
      isDecision(node) ? `decision "${statement}" ${answer}` : `${stage} stage ${answer}`;
    if (!view.required) return acceptByPolicy(kit, node, kind, state, view, summaryOf);
    const { question, reading } = stageQuestion(kit, node, kind, state, view);
    const response = await askPerson(kit, stageGate, question, state, config);
    if (response instanceof Command) return response;
    return takeStageAnswer({ kit, node, kind, state, question, reading, summaryOf }, response);
  };
}

/** The policy's acceptance of a draft no person needs to see, recorded with its reason. */
async function acceptByPolicy(
  kit: GraphKit,
  node: GraphNode,
  kind: GateKind,
  state: ThreadGraphState,
  view: GateView,
  summaryOf: (answer: string) => string,
): Promise<Command> {
  const stage = node.skill.stage.stage;
  const earned = view.trust?.earned
    ? `; ${state.type} decisions have earned trust (${view.trust.agreed_recent} of the latest ${view.trust.window} accepted unchanged)`
    : "";
  const review: Review = {
    answer: "accept",
    by: "policy",
    at: kit.now().toISOString(),
    reason: `impact ${view.impact ?? "unknown"} is below the approval threshold ${view.threshold}${earned}`,
  };
  await kit.writeFiles({ ...state, reviews: { ...state.reviews, [stage]: review } }, node);
  await kit.env.onGateAnswered?.(state.thread, {
    gate: kind,
    stage,
    review,
    summary: summaryOf("taken by policy"),
  });
  kit.env.onProgress?.({ kind: "gate", thread: state.thread, stage, required: false, detail: review.reason! });
  return new Command({ update: { reviews: { [stage]: review } }, goto: kit.after(node, kind) });
}
