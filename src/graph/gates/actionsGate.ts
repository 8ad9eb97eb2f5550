import { Command, interrupt } from "@langchain/langgraph";
import { gatePayload, GateResponse, reviewOf, editedValues, type GateArgs } from "../../approvals/gates.js";
import type { ActionsOutput, PlannedAction } from "../../stages/schemas.js";
import { actionFileName, type LogEntry } from "../../threads/stageFiles.js";
import { gateNodeName, type GraphKit } from "../kit.js";
import type { GateKind, GraphNode } from "../spec.js";
import type { ThreadGraphState } from "../state.js";

/** One human-required action at a time; the node loops on itself until none waits. */
export function actionsGate(kit: GraphKit, node: GraphNode, gate: GateKind) {
  const self = gateNodeName(node, gate);
  return async (state: ThreadGraphState) => {
    const stage = node.skill.stage.stage;
    const plan = state.outputs[stage] as ActionsOutput;
    const waiting = plan.actions.find((action) => action.human_required && action.status === "pending" && !state.action_reviews[action.id]);
    if (!waiting) return new Command({ goto: kit.after(node, gate) });
    const args: GateArgs = {
      thread: state.thread,
      kind: "action",
      node: self,
      stage,
      question: `Approve action ${waiting.id} ${waiting.type}: "${waiting.title}" (owner ${waiting.owner}, due ${waiting.due})?`,
      impact: state.impact,
      action_id: waiting.id,
      draft: kit.draftPath(state, `${node.skill.stage.file}${actionFileName(waiting, plan.actions)}`),
      values: { ...waiting },
      locked: ["id", "type", "owner", "human_required", "status"],
    };
    const description = `### ${args.question}\n\nThe template marks \`${waiting.type}\` as human-required, so it waits for a person whatever the impact score.`;
    const response = GateResponse.parse(interrupt(gatePayload(args, { edit: true, respond: false }, description)));
    const review = reviewOf(response);
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer, item: waiting.id });
    const edited = response.type === "edit" ? (editedValues(response) as Partial<PlannedAction>) : {};
    const updated: PlannedAction = { ...waiting, ...edited, status: review.answer === "reject" ? "archived" : "in_progress" };
    const entry: LogEntry = {
      at: review.at,
      action_id: waiting.id,
      event:
        review.answer === "reject"
          ? `rejected by ${review.by}: ${review.reason}`
          : `${review.answer === "edit" ? "edited and approved" : "approved"} by ${review.by}; ${waiting.owner === "human" ? "handed to its owner" : "cleared to run"}`,
    };
    const newPlan = { ...plan, actions: plan.actions.map((action) => (action.id === waiting.id ? updated : action)) };
    await kit.env.onGateAnswered?.(state.thread, { gate: "action", stage, review, action_id: waiting.id, summary: `${waiting.type} "${updated.title}" ${entry.event}` });
    await kit.writeFiles(
      { ...state, outputs: { ...state.outputs, [stage]: newPlan }, action_reviews: { ...state.action_reviews, [waiting.id]: review } },
      node,
      { log: [...state.action_log, entry] },
    );
    return new Command({ update: { outputs: { [stage]: newPlan }, action_reviews: { [waiting.id]: review }, action_log: [entry] }, goto: self });
  };
}
