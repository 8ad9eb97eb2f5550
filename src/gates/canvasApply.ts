import { outputOf } from "../graph/spec.js";
import { Command } from "@langchain/langgraph";
import { canvasValuesFrom, checkCanvasValues, commitCanvas, planCanvasUpdate } from "../canvas/update.js";
import { StateRefused } from "../errors.js";
import { writeFileAtomically } from "../files/atomic.js";
import { readText } from "../files/readText.js";
import type { CanvasApply, ThreadGraphState } from "../graph/state.js";
import { changeLine, planOn, type CanvasSite } from "./canvasSite.js";

/**
 * The canvas gate's applying node: writes the plan the asking node saved, commits when the workspace
 * is a git repository, and records it. Applying again after a crash writes the same bytes and finds
 * the commit made, so nothing happens twice.
 */
export function applyCanvasNode(site: CanvasSite) {
  const { kit, node, gate, stage, key, apply, root, files } = site;
  return async (state: ThreadGraphState) => {
    const next = kit.after(node, gate);
    let planned = state.canvas_apply[key];
    if (!planned)
      throw new StateRefused(`${apply} has no accepted canvas change to apply on ${state.thread}; nothing was written`);
    await checkPlan(site, planned, state);
    // A file that is neither as planned from nor as planned to was changed by someone else since: plan again on it.
    const current = await Promise.all(planned.files.map((file) => readText(root, file.path)));
    if (planned.files.some((file, index) => current[index] !== file.before && current[index] !== file.after))
      planned = { ...planned, ...(await planOn(site, state.thread, planned.values, site.today())) };
    for (const [index, file] of planned.files.entries())
      if (current[index] !== file.after) await writeFileAtomically(root, file.path, file.after);
    const commit =
      planned.files.length > 0
        ? await commitCanvas(
            root,
            planned.files.map((file) => file.path),
            planned.message,
          )
        : undefined;
    const review = planned.review;
    const recorded = { ...review, ...(commit ? { commit } : {}) };
    await kit.env.onCanvasChanged?.(
      state.thread,
      planned.changes.map((change) => ({
        file: change.metric ? (files.metrics ?? files.assumptions) : files.assumptions,
        ...change,
        by: review.by,
        ...(commit ? { commit } : {}),
      })),
    );
    await kit.writeFiles({ ...state, reviews: { ...state.reviews, [key]: recorded } }, node);
    await kit.env.onGateAnswered?.(state.thread, {
      gate,
      stage,
      review,
      summary: `canvas changes applied: ${planned.changes
        .filter((change) => change.field !== "evidence")
        .map(changeLine)
        .join("; ")}`,
    });
    return new Command({ update: { reviews: { [key]: recorded } }, goto: next });
  };
}

/**
 * A plan is applied only as the asking node made it: canvas files only, values the learning
 * proposed (as a person may have edited them) that the canvas can hold, and, on the files it was
 * planned on, the very bytes those values give.
 */
async function checkPlan(site: CanvasSite, planned: CanvasApply, state: ThreadGraphState): Promise<void> {
  const { root, files } = site;
  const canvasFiles: string[] = Object.values(files);
  const refuse = (why: string) =>
    new StateRefused(`the canvas change planned on ${state.thread} is refused: ${why}; nothing was written`);
  const learning = outputOf(state.outputs, site.node, "learning");
  const stray = planned.files.find((file) => !canvasFiles.includes(file.path));
  if (stray) throw refuse(`it writes ${stray.path}, and a canvas change writes only ${canvasFiles.join(" and ")}`);
  const offered = learning ? Object.keys(canvasValuesFrom(learning)) : [];
  const problems = checkCanvasValues(planned.values, offered);
  if (problems.length > 0) throw refuse(problems.join("; "));
  if (!planned.planned_on) return;
  const current = await Promise.all(planned.files.map((file) => readText(root, file.path)));
  if (!planned.files.every((file, index) => current[index] === file.before)) return;
  const replanned = await planCanvasUpdate(root, state.thread, planned.values, planned.planned_on, files);
  const same =
    replanned.files.length === planned.files.length &&
    replanned.files.every(
      (file, index) => file.path === planned.files[index]!.path && file.after === planned.files[index]!.after,
    );
  if (!same) throw refuse("its files are not what its values make of the canvas");
}
