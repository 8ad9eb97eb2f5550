import { outputOf } from "../graph/spec.js";
import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { canvasValuesFrom, describePlan, planCanvasUpdate, type CanvasValues } from "../canvas/update.js";
import type { CanvasApply, ThreadGraphState } from "../graph/state.js";
import { changeLine, planOn, type CanvasSite } from "./canvasSite.js";
import { askPerson } from "./definition.js";
import { editedValues, reviewOf, type GateQuestion } from "./wire.js";

/**
 * The canvas gate's asking node: shows the unified diff of what the learning would change, and on
 * accept plans the change (with a person's edits) on the files as they are then, saving the plan in
 * the checkpoint for the applying node. A reject is recorded, and the canvas is left as it is.
 */
export function askCanvasNode(site: CanvasSite) {
  const { kit, node, gate, stage, key, ask, apply, root, files } = site;
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const next = kit.after(node, gate);
    if (state.reviews[key]) return new Command({ goto: next });
    if (state.canvas_apply[key]) return new Command({ goto: apply });
    const learning = outputOf(state.outputs, node, "learning")!;
    const values = canvasValuesFrom(learning);
    if (Object.keys(values).length === 0) return new Command({ goto: next });
    const proposed = await planCanvasUpdate(root, state.thread, values, site.today(), files);
    if (proposed.files.length === 0) return new Command({ goto: next });
    const changes = describePlan(
      proposed.files.find((file) => file.path === files.assumptions)?.before ?? "",
      proposed,
    ).filter((change) => change.field !== "evidence");
    const question = `Apply the canvas changes learned in ${state.thread}: ${changes.map(changeLine).join("; ")}?`;
    const asked: GateQuestion = {
      info: {
        thread: state.thread,
        kind: gate,
        node: ask,
        stage,
        question,
        impact: state.impact ?? null,
        draft: files.assumptions,
        diff: proposed.diff,
      },
      editable: values,
      allow: { edit: true, respond: false },
      description: `### ${question}\n\nCanvas changes always wait for a person. Edit a value to change what is written, e.g. \`A4.confidence\` to 85.\n\n\`\`\`diff\n${proposed.diff}\`\`\``,
    };
    const response = await askPerson(kit, site.rules, asked, state, config);
    if (response instanceof Command) return response;
    const review = reviewOf(response);
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer, item: "canvas" });
    if (review.answer === "reject") {
      await kit.writeFiles({ ...state, reviews: { ...state.reviews, [key]: review } }, node);
      await kit.env.onGateAnswered?.(state.thread, {
        gate,
        stage,
        review,
        summary: `canvas changes rejected: ${review.reason}`,
      });
      return new Command({ update: { reviews: { [key]: review } }, goto: next });
    }
    const finalValues: CanvasValues = { ...values, ...(editedValues(response) as CanvasValues) };
    const plan = await planOn(site, state.thread, finalValues, site.today());
    const planned: CanvasApply = { review, planned_on: site.today(), values: finalValues, ...plan };
    return new Command({ update: { canvas_apply: { [key]: planned } }, goto: apply });
  };
}
