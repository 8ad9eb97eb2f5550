import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Review } from "../stages/context.js";
import { gateNodeName, stageNodeName, type GraphKit } from "../graph/kit.js";
import { outputsBySchema, type GraphNode } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { checkEditedDraft } from "./check.js";
import { askPerson, type GateDefinition } from "./definition.js";
import type { GateKind } from "./kind.js";
import { editedValues, reviewOf, type GateQuestion } from "./wire.js";

/**
 * A gate on a whole stage: `impact` asks when the thread's impact reaches the approval threshold
 * (below it the policy accepts), `always` asks every time. Accept, edit (checked against the stage's
 * schema with the workspace's refinements), respond (the stage is redrafted) or reject.
 */
export const stageGate: GateDefinition = {
  nodes: (kit, node, kind) => [
    { name: gateNodeName(node, kind), fn: stageGateNode(kit, node, kind), ends: [stageNodeName(node), gateNodeName(node, kind), kit.after(node, kind)] },
  ],
  checkEdit: (payload, edits, context) => checkEditedDraft(payload, edits, context.stageSchema(payload.leanos.stage)),
};

function stageGateNode(kit: GraphKit, node: GraphNode, kind: GateKind) {
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const stage = node.skill.stage.stage;
    const next = kit.after(node, kind);
    const output = state.outputs[stage] as Record<string, unknown>;
    const view = kit.gateView(state, node);
    const isDecision = node.skill.stage.output === "decision";
    const statement = String(output.statement ?? output.verdict ?? stage);
    const summaryOf = (answer: string): string => (isDecision ? `decision "${statement}" ${answer}` : `${stage} stage ${answer}`);
    if (!view.required) {
      const review: Review = {
        answer: "accept",
        by: "policy",
        at: kit.now().toISOString(),
        reason: `impact ${view.impact ?? "unknown"} is below the approval threshold ${view.threshold}`,
      };
      await kit.writeFiles({ ...state, reviews: { ...state.reviews, [stage]: review } }, node);
      await kit.env.onGateAnswered?.(state.thread, { gate: kind, stage, review, summary: summaryOf("taken by policy") });
      kit.env.onProgress?.({ kind: "gate", thread: state.thread, stage, required: false, detail: review.reason! });
      return new Command({ update: { reviews: { [stage]: review } }, goto: next });
    }
    const question = isDecision ? `Approve the decision "${statement}"?${kind === "impact" ? ` (impact ${view.impact} >= ${view.threshold})` : ""}` : `Approve the ${stage} stage draft?`;
    const draft = kit.draftPath(state, kit.stageFile(node));
    const implication = outputsBySchema(kit.env.spec, state.outputs).implication;
    const factors = implication ? implication.factors.map((factor) => `- ${factor.name}: ${factor.score} (${factor.rationale})`).join("\n") : "";
    const asked: GateQuestion = {
      info: { thread: state.thread, kind, node: gateNodeName(node, kind), stage, question, impact: view.impact, draft },
      editable: output,
      allow: { edit: true, respond: true },
      description: [`### ${question}`, `Draft: \`${draft}\``, factors ? `Impact ${view.impact} from its factors:\n${factors}` : "", "Edit any field to change the draft; respond to have it redrafted with your feedback."]
        .filter(Boolean)
        .join("\n\n"),
    };
    const response = await askPerson(kit, stageGate, asked, state, config);
    if (response instanceof Command) return response;
    const review = reviewOf(response);
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer });
    await kit.env.onGateAnswered?.(state.thread, { gate: kind, stage, review, summary: summaryOf(review.answer === "respond" ? "sent back for a redraft" : `${review.answer}ed`) });
    if (response.type === "response") {
      return new Command({ update: { feedback: { [stage]: review.feedback ?? "" }, reviews: { [stage]: review } }, goto: stageNodeName(node) });
    }
    const finalOutput = response.type === "edit" ? { ...output, ...editedValues(response) } : output;
    await kit.writeFiles({ ...state, outputs: { ...state.outputs, [stage]: finalOutput }, reviews: { ...state.reviews, [stage]: review } }, node);
    return new Command({ update: { outputs: { [stage]: finalOutput }, reviews: { [stage]: review } }, goto: next });
  };
}
