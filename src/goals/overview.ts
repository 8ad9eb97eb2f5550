import { readCanvas } from "../canvas/canvas.js";
import { workspaceCurrency } from "../text/money.js";
import type { Workspace } from "../workspace/workspace.js";
import { meets, metricKey, parseCriterion } from "./criterion.js";
import type { Milestone } from "./goalBody.js";
import type { GoalStatus } from "./goalFile.js";
import { readGoals, type Goal } from "./goals.js";
import { readMeasurements } from "./measurements.js";
import { readingsFor } from "./readings.js";
import { goalStanding, type GoalStanding } from "./standing.js";

// Every goal with where it stands, its next milestone and the threads that serve it: what `leanos
// goal`, ops/today.md and the web inbox show.

export interface GoalOverview {
  goal: Goal;
  standing: GoalStanding;
  /** The first milestone neither checked in the file nor met by the latest values. */
  next?: Milestone;
  /** Threads that serve it: linked in their meta.json (goal_id) or listed under its subgoals. */
  threads: string[];
}

function nextMilestone(goal: Goal, standing: GoalStanding, home: string): Milestone | undefined {
  return goal.milestones.find((milestone) => {
    if (milestone.checked) return false;
    const bar = parseCriterion(milestone.text, home);
    if ("problem" in bar) return true;
    const latest = standing.criteria.find((line) => metricKey(line.criterion.metric) === metricKey(bar.metric))?.latest;
    return !latest || !meets(bar, latest.figure.value);
  });
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
  return goals.map((goal) => {
    const standing = goalStanding(goal, readingsFor(goal, measurements, home), today);
    const next = nextMilestone(goal, standing, home);
    const threads = [...(linked.get(goal.front.id) ?? []), ...goal.subgoals.flatMap((subgoal) => subgoal.threads)];
    return { goal, standing, ...(next ? { next } : {}), threads: [...new Set(threads)].sort() };
  });
}
