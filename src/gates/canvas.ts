import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  canvasFilesOf,
  canvasValuesFrom,
  checkCanvasValues,
  missingCanvasTargets,
  commitCanvas,
  commitMessage,
  describePlan,
  planCanvasUpdate,
  type CanvasValues,
} from "../canvas/update.js";
import { StateRefused, UsageError } from "../errors.js";
import { writeFileAtomically } from "../files/atomic.js";
import { readText } from "../files/readText.js";
import type { LearningOutput } from "../core/stageSchemas.js";
import { gateNodeName, type GraphKit } from "../graph/kit.js";
import type { GraphNode } from "../graph/spec.js";
import type { CanvasApply, ThreadGraphState } from "../graph/state.js";
import { askPerson, type GateDefinition, type GateNode } from "./definition.js";
import type { GateKind } from "../core/gateKind.js";
import { editedValues, reviewOf, type GateQuestion } from "./wire.js";

/** A canvas change is accepted only as values the canvas can hold, and only while what it changes is still there. */
export const canvasGate: GateDefinition = {
  nodes: (kit, node, kind) => canvasNodes(kit, node, kind),
  checkEdit: (payload, edits) => {
    const problems = checkCanvasValues(edits as CanvasValues, Object.keys(payload.action_request.args));
    if (problems.length > 0) throw new UsageError(`--edit: ${problems.join("; ")}`);
  },
  checkTaken: async (payload, edits, context) => {
    const gone = await missingCanvasTargets(
      context.workspaceRoot,
      { ...payload.action_request.args, ...edits } as CanvasValues,
      canvasFilesOf(context.canvas),
    );
    if (gone.length > 0) {
      throw new UsageError(
        `the canvas changed since this was asked: ${gone.join("; ")}. Restore it, or refuse the change with leanos reject ${context.thread} --reason "..."; nothing was changed`,
      );
    }
  },
};

/**
 * Canvas changes always wait for a human, whatever the impact: the gate shows the unified diff of the
 * canvas files. It is two nodes, so a crash can never leave the canvas changed and the answer lost:
 * the first asks and, on accept, plans the change on the files as they are then (another thread may
 * have changed them meanwhile) and saves the plan in the checkpoint; the second applies the saved
 * plan, commits when the workspace is a git repository, and records it. Applying again after a crash
 * writes the same bytes and finds the commit made, so nothing happens twice. Rejecting leaves the
 * canvas as it is.
 */
function canvasNodes(kit: GraphKit, node: GraphNode, gate: GateKind): GateNode[] {
  const stage = node.skill.stage.stage;
  const key = `${stage}:canvas`;
  const ask = gateNodeName(node, gate);
  const apply = `apply_${stage}_canvas`;
  const root = kit.env.workspace.root;
  const today = () => kit.now().toISOString().slice(0, 10);
  // The files a canvas change may write: the workspace's assumptions section, and its metrics table.
  const files = canvasFilesOf(kit.env.canvas);
  const { assumptions: assumptionsFile } = files;
  const canvasFiles = Object.values(files);

  const askNode = async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const next = kit.after(node, gate);
    if (state.reviews[key]) return new Command({ goto: next });
    if (state.canvas_apply[key]) return new Command({ goto: apply });
    const learning = state.outputs[stage] as LearningOutput;
    const values = canvasValuesFrom(learning);
    if (Object.keys(values).length === 0) return new Command({ goto: next });
    const proposed = await planCanvasUpdate(root, state.thread, values, today(), files);
    if (proposed.files.length === 0) return new Command({ goto: next });
    const changes = describePlan(
      proposed.files.find((file) => file.path === assumptionsFile)?.before ?? "",
      proposed,
    ).filter((change) => change.field !== "evidence");
    const question = `Apply the canvas changes learned in ${state.thread}: ${changes.map((change) => `${change.assumption ?? change.metric} ${change.field} ${change.from} -> ${change.to}`).join("; ")}?`;
    const asked: GateQuestion = {
      info: {
        thread: state.thread,
        kind: gate,
        node: ask,
        stage,
        question,
        impact: state.impact ?? null,
        draft: assumptionsFile,
        diff: proposed.diff,
      },
      editable: values,
      allow: { edit: true, respond: false },
      description: `### ${question}\n\nCanvas changes always wait for a person. Edit a value to change what is written, e.g. \`A4.confidence\` to 85.\n\n\`\`\`diff\n${proposed.diff}\`\`\``,
    };
    const response = await askPerson(kit, canvasGate, asked, state, config);
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
    const plan = await planCanvasUpdate(root, state.thread, finalValues, today(), files);
    const before =
      plan.files.find((file) => file.path === assumptionsFile)?.before ?? (await readText(root, assumptionsFile));
    const planned: CanvasApply = {
      review,
      planned_on: today(),
      values: finalValues,
      files: plan.files.map((file) => ({ path: file.path, before: file.before, after: file.after })),
      message: commitMessage(plan, before, state.thread),
      changes: describePlan(before, plan),
    };
    return new Command({ update: { canvas_apply: { [key]: planned } }, goto: apply });
  };

  const applyNode = async (state: ThreadGraphState) => {
    const next = kit.after(node, gate);
    let planned = state.canvas_apply[key];
    if (!planned)
      throw new StateRefused(`${apply} has no accepted canvas change to apply on ${state.thread}; nothing was written`);
    await checkPlan(planned, state);
    // A file that is neither as planned from nor as planned to was changed by someone else since: plan again on it.
    const current = await Promise.all(planned.files.map((file) => readText(root, file.path)));
    if (planned.files.some((file, index) => current[index] !== file.before && current[index] !== file.after)) {
      const plan = await planCanvasUpdate(root, state.thread, planned.values, today(), files);
      const before =
        plan.files.find((file) => file.path === assumptionsFile)?.before ?? (await readText(root, assumptionsFile));
      planned = {
        ...planned,
        files: plan.files.map((file) => ({ path: file.path, before: file.before, after: file.after })),
        message: commitMessage(plan, before, state.thread),
        changes: describePlan(before, plan),
      };
    }
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
        file: change.metric ? (files.metrics ?? assumptionsFile) : assumptionsFile,
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
        .map((change) => `${change.assumption ?? change.metric} ${change.field} ${change.from} -> ${change.to}`)
        .join("; ")}`,
    });
    return new Command({ update: { reviews: { [key]: recorded } }, goto: next });
  };

  /**
   * A plan is applied only as the asking node made it: canvas files only, values the learning
   * proposed (as a person may have edited them) that the canvas can hold, and, on the files it was
   * planned on, the very bytes those values give.
   */
  const checkPlan = async (planned: CanvasApply, state: ThreadGraphState): Promise<void> => {
    const refuse = (why: string) =>
      new StateRefused(`the canvas change planned on ${state.thread} is refused: ${why}; nothing was written`);
    const learning = state.outputs[stage] as LearningOutput | undefined;
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
  };

  return [
    { name: ask, fn: askNode, ends: [apply, ask, kit.after(node, gate)] },
    { name: apply, fn: applyNode, ends: [kit.after(node, gate)] },
  ];
}
