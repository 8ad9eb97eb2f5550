import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Command, interrupt } from "@langchain/langgraph";
import { gatePayload, GateResponse, reviewOf, editedValues, type GateArgs } from "../../approvals/gates.js";
import {
  ASSUMPTIONS_PATH,
  canvasValuesFrom,
  commitCanvas,
  commitMessage,
  describePlan,
  planCanvasUpdate,
  writeCanvasPlan,
  type CanvasValues,
} from "../../canvas/update.js";
import type { LearningOutput } from "../../stages/schemas.js";
import { gateNodeName, type GraphKit } from "../kit.js";
import type { GateKind, GraphNode } from "../spec.js";
import type { ThreadGraphState } from "../state.js";

/**
 * Canvas changes always wait for a human, whatever the impact: the gate shows the unified diff of the
 * canvas files. Accepting applies the (possibly edited) values to the files as they are then, adds the
 * thread as evidence, and commits when the workspace is a git repository; rejecting leaves the canvas as it is.
 */
export function canvasGate(kit: GraphKit, node: GraphNode, gate: GateKind) {
  return async (state: ThreadGraphState) => {
    const stage = node.skill.stage.stage;
    const key = `${stage}:canvas`;
    const next = kit.after(node, gate);
    if (state.reviews[key]) return new Command({ goto: next });
    const learning = state.outputs[stage] as LearningOutput;
    const values = canvasValuesFrom(learning);
    const root = kit.env.workspace.root;
    const today = () => kit.now().toISOString().slice(0, 10);
    if (Object.keys(values).length === 0) return new Command({ goto: next });
    const proposed = await planCanvasUpdate(root, state.thread, values, today());
    if (proposed.files.length === 0) return new Command({ goto: next });
    const changes = describePlan(proposed.files.find((file) => file.path === ASSUMPTIONS_PATH)?.before ?? "", proposed).filter((change) => change.field !== "evidence");
    const args: GateArgs = {
      thread: state.thread,
      kind: "canvas",
      node: gateNodeName(node, gate),
      stage,
      question: `Apply the canvas changes learned in ${state.thread}: ${changes.map((change) => `${change.assumption ?? change.metric} ${change.field} ${change.from} -> ${change.to}`).join("; ")}?`,
      impact: state.impact,
      draft: ASSUMPTIONS_PATH,
      diff: proposed.diff,
      values,
      locked: [],
    };
    const description = `### ${args.question}\n\nCanvas changes always wait for a person. Edit a value with e.g. \`{"A4.confidence": 85}\`.\n\n\`\`\`diff\n${proposed.diff}\`\`\``;
    const response = GateResponse.parse(interrupt(gatePayload(args, { edit: true, respond: false }, description)));
    const review = reviewOf(response);
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer, item: "canvas" });
    if (review.answer === "reject") {
      await kit.writeFiles({ ...state, reviews: { ...state.reviews, [key]: review } }, node);
      await kit.env.onGateAnswered?.(state.thread, { gate: "canvas", stage, review, summary: `canvas changes rejected: ${review.reason}` });
      return new Command({ update: { reviews: { [key]: review } }, goto: next });
    }
    const finalValues: CanvasValues = { ...values, ...(editedValues(response) as CanvasValues) };
    // Planned again on the files as they are now: another thread may have changed them meanwhile.
    const plan = await planCanvasUpdate(root, state.thread, finalValues, today());
    const before = await readFile(join(root, ASSUMPTIONS_PATH), "utf8");
    const applied = describePlan(before, plan);
    let commit: string | undefined;
    if (plan.files.length > 0) {
      await writeCanvasPlan(root, plan);
      commit = await commitCanvas(root, plan.files.map((file) => file.path), commitMessage(plan, before, state.thread));
    }
    const recorded = { ...review, ...(commit ? { commit } : {}) };
    await kit.env.onCanvasChanged?.(
      state.thread,
      applied.map((change) => ({ file: change.metric ? "strategy/canvas/13-metrics.md" : ASSUMPTIONS_PATH, ...change, by: review.by, ...(commit ? { commit } : {}) })),
    );
    await kit.writeFiles({ ...state, reviews: { ...state.reviews, [key]: recorded } }, node);
    await kit.env.onGateAnswered?.(state.thread, {
      gate: "canvas",
      stage,
      review,
      summary: `canvas changes applied: ${applied.filter((change) => change.field !== "evidence").map((change) => `${change.assumption ?? change.metric} ${change.field} ${change.from} -> ${change.to}`).join("; ")}`,
    });
    return new Command({ update: { reviews: { [key]: recorded } }, goto: next });
  };
}
