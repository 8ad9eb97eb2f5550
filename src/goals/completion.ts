import { basename, dirname, join } from "node:path";
import type { Goal } from "./goals.js";
import { appendedToLog } from "./goalUpdate.js";

// A goal whose every success criterion is met is completed, as LeanOS's goal tracker completes one:
// its status set to completed, its subgoals completed, its remaining milestones checked, a log line
// said, and the file moved to strategy/goals/completed/.

/** Every success criterion of the goal is checked. */
export const everyCriterionMet = (goal: Goal): boolean => goal.criteria.every((criterion) => criterion.checked);

/** Where a goal file of active/ goes when it is completed. */
export const completedPath = (file: string): string => join(dirname(dirname(file)), "completed", basename(file));

/** The goal file's text as a completed goal's. */
export function completedText(text: string, date: string, thread: string): string {
  const end = text.indexOf("\n---", 3);
  const front = text.slice(0, end).replace(/^status:\s*active\s*$/m, "status: completed");
  const body = text
    .slice(end)
    .replace(/^(\s*[-*]\s+\*\*Status:\*\*\s*)\S.*$/gm, "$1completed")
    .replace(/^(\s*[-*]\s+)\[ \](\s+M\d+:)/gm, "$1[x]$2");
  return appendedToLog(`${front}${body}`, `- ${date}: Goal completed: every success criterion met (${thread})`);
}
