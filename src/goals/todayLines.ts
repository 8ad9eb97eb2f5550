import type { GoalOverview } from "./overview.js";

// The goals as ops/today.md lists them: a line each, where it stands and why, its next milestone.

export function goalLines(goals: readonly GoalOverview[]): string[] {
  return goals.map(({ goal, standing, next }) => {
    const milestone = next ? ` Next: ${next.name} ${next.text}${next.by ? ` by ${next.by}` : ""}.` : "";
    return `- **${goal.front.id}** ${goal.title}: **${standing.standing}**. ${standing.reason}.${milestone}`;
  });
}
