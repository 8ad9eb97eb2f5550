import { Command, interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { gatePayload, readResponse, reviewOf, editedValues, type GateArgs } from "../../approvals/gates.js";
import type { LearningOutput } from "../../stages/schemas.js";
import { gateNodeName, type GraphKit } from "../kit.js";
import type { GateKind, GraphNode } from "../spec.js";
import type { ThreadGraphState } from "../state.js";

/**
 * Each follow-up a learning proposes waits for a person, one at a time; an approved one is started
 * as a new thread by the runtime once this thread's run settles.
 */
export function opportunitiesGate(kit: GraphKit, node: GraphNode, gate: GateKind) {
  const self = gateNodeName(node, gate);
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const stage = node.skill.stage.stage;
    const learning = state.outputs[stage] as LearningOutput;
    const index = learning.opportunities.findIndex((_, position) => !state.opportunity_reviews[`opp-${position + 1}`]);
    if (index < 0) return new Command({ goto: kit.after(node, gate) });
    const opportunity = learning.opportunities[index]!;
    const id = `opp-${index + 1}`;
    const args: GateArgs = {
      thread: state.thread,
      kind: "opportunity",
      node: self,
      stage,
      question: `Start a ${opportunity.type} thread for "${opportunity.title}" (priority ${opportunity.priority})?`,
      impact: opportunity.priority,
      opportunity_id: id,
      draft: kit.draftPath(state, kit.stageFile(node)),
      values: { ...opportunity },
      locked: ["priority"],
    };
    const description = `### ${args.question}\n\n${opportunity.rationale}`;
    const response = readResponse(interrupt(gatePayload(args, { edit: true, respond: false }, description)), kit.answerDefaults(config));
    const review = reviewOf(response);
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer, item: id });
    const edited = { ...opportunity, ...(editedValues(response) as Partial<typeof opportunity>) };
    const updated: LearningOutput = { ...learning, opportunities: learning.opportunities.map((entry, position) => (position === index ? edited : entry)) };
    await kit.env.onGateAnswered?.(state.thread, { gate: "opportunity", stage, review, summary: `opportunity "${edited.title}" ${review.answer === "reject" ? "declined" : "approved"}` });
    await kit.writeFiles({ ...state, outputs: { ...state.outputs, [stage]: updated }, opportunity_reviews: { ...state.opportunity_reviews, [id]: review } }, node);
    return new Command({ update: { outputs: { [stage]: updated }, opportunity_reviews: { [id]: review } }, goto: self });
  };
}
