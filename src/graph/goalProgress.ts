import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeFileAtomically } from "../files/atomic.js";
import { completedPath, completedText, everyCriterionMet } from "../goals/completion.js";
import { readText } from "../files/readText.js";
import { showFigure } from "../goals/criterion.js";
import { withMeasurements } from "../goals/goalUpdate.js";
import { readGoal } from "../goals/goals.js";
import { readMeasurements } from "../goals/measurements.js";
import { measureForGoal } from "../goals/measure.js";
import { readingsFor } from "../goals/readings.js";
import type { GoalLink, InputOutput } from "../core/stageSchemas.js";
import { workspaceCurrency } from "../text/money.js";
import type { GraphKit } from "./kit.js";
import { outputsBySchema } from "./spec.js";
import type { ThreadGraphState } from "./state.js";

/**
 * After a thread's learning is drafted: what the event measured for the goal it serves, written into
 * the goal's file (its log, and the criteria and milestones it meets) and the audit log. The goal is
 * read again from its file, which may have changed since the workspace was opened; a goal no longer
 * active (completed, abandoned, removed) is left alone.
 */
export async function recordGoalProgress(kit: GraphKit, state: ThreadGraphState): Promise<void> {
  const input = outputsBySchema(kit.env.spec, state.outputs).input as
    (InputOutput & { goal?: GoalLink | null }) | undefined;
  const link = input?.goal;
  const known = link ? kit.env.goals?.find((goal) => goal.front.id === link.id) : undefined;
  if (!input || !known) return;
  const { root, config } = kit.env.workspace;
  const home = config.currency ?? workspaceCurrency(kit.env.canvas);
  // Moved or removed since (a person completed or abandoned it): left alone. Broken since: refused with
  // its line, as the next open would refuse it; the learning runs again once it is mended.
  if (!existsSync(join(root, known.file))) return;
  const goal = await readGoal(root, known.file, home);
  if (goal.front.status !== "active") return;
  // Without the thread's own line: a step run again (after a crash) measures from the same value.
  const readings = readingsFor(goal, await readMeasurements(root), home).filter(
    (reading) => !reading.source.startsWith(`${state.thread};`),
  );
  const measured = measureForGoal(goal, input, state.event.text, readings, state.today, home);
  if (measured.length === 0) return;
  const text = withMeasurements(await readText(root, goal.file), goal, measured, state.thread, state.today, home);
  await writeFileAtomically(root, goal.file, text);
  await kit.env.onGoalMeasured?.(
    state.thread,
    measured.map(({ goal: id, metric, figure, basis }) => ({ goal: id, metric, value: showFigure(figure), basis })),
  );
  if (everyCriterionMet(await readGoal(root, goal.file, home))) await complete(kit, goal.file, text, state);
}

/**
 * Moves a goal whose criteria are all met to completed/. Written there before the active file goes: a
 * crash between leaves both, and readGoals takes the completed one (the active copy is ignored).
 */
async function complete(kit: GraphKit, file: string, text: string, state: ThreadGraphState): Promise<void> {
  const { root } = kit.env.workspace;
  const done = completedPath(file);
  await mkdir(join(root, dirname(done)), { recursive: true });
  await writeFileAtomically(root, done, completedText(text, state.today, state.thread));
  await rm(join(root, file), { force: true });
  await kit.env.onGoalCompleted?.(state.thread, { goal: basename(file, ".md"), file: done });
}
