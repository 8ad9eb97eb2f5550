import {
  commitMessage,
  describePlan,
  planCanvasUpdate,
  type CanvasFiles,
  type CanvasValues,
} from "../canvas/update.js";
import type { GateKind } from "../core/gateKind.js";
import { readText } from "../files/readText.js";
import type { GraphKit } from "../graph/kit.js";
import type { GraphNode } from "../graph/spec.js";
import type { CanvasApply } from "../graph/state.js";
import type { AnswerRules } from "./check.js";

// Where a canvas gate works, shared by its two nodes (canvasAsk.ts asks, canvasApply.ts applies),
// and the plan both make of a learning's values on the canvas files as they are.

export interface CanvasSite {
  kit: GraphKit;
  node: GraphNode;
  gate: GateKind;
  /** The rules an answer must pass: the canvas gate's own (canvas.ts). */
  rules: AnswerRules;
  stage: string;
  /** The review and the saved plan are kept in the state under this key. */
  key: string;
  /** The asking node's name. */
  ask: string;
  /** The applying node's name. */
  apply: string;
  root: string;
  /** The files a canvas change may write: the workspace's assumptions section, and its metrics table. */
  files: CanvasFiles;
  today: () => string;
}

/** One change as a person reads it: `A4 confidence 55 -> 70`. */
export const changeLine = (change: { assumption?: string; metric?: string; field: string; from: string; to: string }) =>
  `${change.assumption ?? change.metric} ${change.field} ${change.from} -> ${change.to}`;

/** The plan of `values` on the canvas files as they are now: each file before and after, the commit message, the changes. */
export async function planOn(
  site: CanvasSite,
  thread: string,
  values: CanvasValues,
  on: string,
): Promise<Pick<CanvasApply, "files" | "message" | "changes">> {
  const { root, files } = site;
  const plan = await planCanvasUpdate(root, thread, values, on, files);
  const before =
    plan.files.find((file) => file.path === files.assumptions)?.before ?? (await readText(root, files.assumptions));
  return {
    files: plan.files.map((file) => ({ path: file.path, before: file.before, after: file.after })),
    message: commitMessage(plan, before, thread),
    changes: describePlan(before, plan),
  };
}
