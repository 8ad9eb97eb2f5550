import { showCriterion, showFigure } from "../goals/criterion.js";
import type { GoalOverview } from "../goals/overview.js";

// How `leanos goal` prints the goals: a line per goal with its standing, then why, its threads and
// its next milestone; and the same as JSON.

export function formatGoals(goals: readonly GoalOverview[]): string {
  if (goals.length === 0)
    return 'no goals yet: leanos goal add "MRR >= EUR 5,000 by 2027-03-31" sets one (strategy/goals/active/)';
  return goals
    .map(({ goal, standing, threads, next }) => {
      return [
        `${goal.front.id}  ${goal.title}  ${goal.front.status === "active" ? standing.standing : goal.front.status}  (by ${goal.front.deadline}, autonomy ${goal.front.autonomy})`,
        ...standing.criteria.map((criterion) => `  ${criterion.reason}`),
        `  threads: ${threads.length > 0 ? threads.join(", ") : "none linked yet"}`,
        ...(next ? [`  next milestone: ${next.name} ${next.text}${next.by ? ` (by ${next.by})` : ""}`] : []),
        `  file: ${goal.file}`,
      ].join("\n");
    })
    .join("\n\n");
}

export const goalsJson = (goals: readonly GoalOverview[]): unknown =>
  goals.map(({ goal, standing, threads }) => ({
    id: goal.front.id,
    file: goal.file,
    title: goal.title,
    status: goal.front.status,
    autonomy: goal.front.autonomy,
    created: goal.front.created,
    deadline: goal.front.deadline,
    standing: standing.standing,
    reason: standing.reason,
    days_left: standing.daysLeft,
    criteria: standing.criteria.map((criterion) => ({
      criterion: showCriterion(criterion.criterion),
      standing: criterion.standing,
      latest: criterion.latest
        ? { date: criterion.latest.date, value: showFigure(criterion.latest.figure), source: criterion.latest.source }
        : null,
      progress: criterion.progress ?? null,
      projected:
        criterion.projected === undefined
          ? null
          : showFigure({ ...criterion.criterion.target, value: criterion.projected }),
      reason: criterion.reason,
    })),
    threads,
    milestones: goal.milestones.map(({ name, text, by, checked }) => ({
      name,
      text,
      by: by ?? null,
      reached: checked,
    })),
  }));
