import { readCanvas } from "../canvas/canvas.js";
import { workspaceCurrency } from "../text/money.js";
import type { Workspace } from "../workspace/workspace.js";
import type { GoalStatus } from "./goalFile.js";
import { readGoals, type Goal } from "./goals.js";
import { readMeasurements } from "./measurements.js";
import { readingsFor } from "./readings.js";
import { goalStanding, type GoalStanding } from "./standing.js";

// Every goal with where it stands and the threads that serve it: what `leanos goal`, ops/today.md and
// the web inbox show.

export interface GoalOverview {
  goal: Goal;
  standing: GoalStanding;
  /** Threads that serve it: linked in their meta.json (goal_id) or listed under its subgoals. */
  threads: string[];
}

/** The workspace's goals as they stand on `today` (YYYY-MM-DD); `linked` gives each goal id's threads. */
export async function goalOverview(
  workspace: Workspace,
  today: string,
  linked: ReadonlyMap<string, readonly string[]> = new Map(),
  statuses?: readonly GoalStatus[],
): Promise<GoalOverview[]> {
  const home = workspace.config.currency ?? workspaceCurrency(await readCanvas(workspace.canvasDir, workspace.root));
  const [goals, measurements] = await Promise.all([
    readGoals(workspace.root, home, statuses),
    readMeasurements(workspace.root),
  ]);
  return goals.map((goal) => ({
    goal,
    standing: goalStanding(goal, readingsFor(goal, measurements, home), today),
    threads: [
      ...new Set([...(linked.get(goal.front.id) ?? []), ...goal.subgoals.flatMap((subgoal) => subgoal.threads)]),
    ].sort(),
  }));
}
