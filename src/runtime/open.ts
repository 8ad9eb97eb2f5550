import { checkRouting } from "../actions/routing.js";
import { assertCanvasSound, readCanvas, type Canvas } from "../canvas/canvas.js";
import { makeDir, removeDeadTemps } from "../files/atomic.js";
import type { GraphSpec } from "../graph/spec.js";
import { workspaceSpec } from "../graph/workspaceSpec.js";
import { readGoals, type Goal } from "../goals/goals.js";
import { actionTemplates, type SkillSet } from "../skills/loader.js";
import { workspaceCurrency } from "../text/money.js";
import { readValues, type Values } from "../values/valuesFile.js";
import { openWorkspace, type Workspace } from "../workspace/workspace.js";

/** What every run on a workspace reads first: the workspace, its canvas, the skills and the graph. */
export interface OpenedWorkspace {
  workspace: Workspace;
  canvas: Canvas;
  skills: SkillSet;
  spec: GraphSpec;
  /** Its active goals (strategy/goals/active/): events are linked to them. */
  goals: Goal[];
  /** Its value function (strategy/values.md), if it keeps one. */
  values?: Values;
}

/**
 * Opens a workspace for work, checking everything a run relies on before anything is written: a
 * canvas the runtime might write to must parse cleanly, skills and graph must load, routes must
 * resolve. What a killed process left half-written (temp files, half-made thread folders) goes first.
 */
export async function openForWork(workspacePath?: string): Promise<OpenedWorkspace> {
  const workspace = await openWorkspace(workspacePath);
  const canvas = await readCanvas(workspace.canvasDir, workspace.root);
  assertCanvasSound(canvas);
  const { skills, spec } = await workspaceSpec(workspace);
  checkRouting(actionTemplates(skills));
  // A broken goal file is refused now, with its line, like a broken canvas.
  const home = workspace.config.currency ?? workspaceCurrency(canvas);
  const goals = await readGoals(workspace.root, home, ["active"]);
  // So is a value function with a hard constraint it cannot read: nothing is let through unchecked.
  const values = await readValues(workspace.root, home);
  await makeDir(workspace.root, workspace.stateDir);
  await removeDeadTemps(workspace.root);
  return { workspace, canvas, skills, spec, goals, ...(values ? { values } : {}) };
}
