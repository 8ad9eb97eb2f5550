import { Command, interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { gatePayload, readResponse, reviewOf, editedValues, type GateArgs } from "../../approvals/gates.js";
import type { Review } from "../../stages/context.js";
import { gateNodeName, stageNodeName, type GraphKit } from "../kit.js";
import { outputsBySchema, type GateKind, type GraphNode } from "../spec.js";
import type { ThreadGraphState } from "../state.js";

/** A gate on a whole stage (impact or always): accept, edit, respond (redraft) or reject. */
export function stageGate(kit: GraphKit, node: GraphNode, gate: GateKind) {
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const stage = node.skill.stage.stage;
    const next = kit.after(node, gate);
    const output = state.outputs[stage] as Record<string, unknown>;
    const view = kit.gateView(state, node);
    const kind = node.skill.stage.output === "decision" ? "decision" : "stage";
    const summaryOf = (answer: string): string =>
      kind === "decision" ? `decision "${String(output.statement ?? output.verdict ?? "")}" ${answer}` : `${stage} stage ${answer}`;
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
    const args: GateArgs = {
      thread: state.thread,
      kind,
      node: gateNodeName(node, gate),
      stage,
      question:
        kind === "decision"
          ? `Approve the decision "${String(output.statement ?? output.verdict ?? stage)}"? (impact ${view.impact} >= ${view.threshold})`
          : `Approve the ${stage} stage draft?`,
      impact: view.impact,
      draft: kit.draftPath(state, kit.stageFile(node)),
      values: output,
      locked: [],
    };
    const implication = outputsBySchema(kit.env.spec, state.outputs).implication;
    const factors = implication ? implication.factors.map((factor) => `- ${factor.name}: ${factor.score} (${factor.rationale})`).join("\n") : "";
    const description = `### ${args.question}\n\nDraft: \`${args.draft}\`\n\n${factors ? `Impact factors:\n${factors}\n` : ""}`;
    const response = readResponse(interrupt(gatePayload(args, { edit: true, respond: true }, description)), kit.answerDefaults(config));
    const review = reviewOf(response);
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer });
    await kit.env.onGateAnswered?.(state.thread, { gate: kind, stage, review, summary: summaryOf(review.answer === "respond" ? "sent back for a redraft" : `${review.answer}ed`) });
    if (response.type === "response") {
      return new Command({ update: { feedback: { [stage]: review.feedback ?? "" }, reviews: { [stage]: review } }, goto: stageNodeName(node) });
    }
    // Edits were validated against the stage's schema before the resume was sent.
    const finalOutput = response.type === "edit" ? { ...output, ...editedValues(response) } : output;
    await kit.writeFiles({ ...state, outputs: { ...state.outputs, [stage]: finalOutput }, reviews: { ...state.reviews, [stage]: review } }, node);
    return new Command({ update: { outputs: { [stage]: finalOutput }, reviews: { [stage]: review } }, goto: next });
  };
}
