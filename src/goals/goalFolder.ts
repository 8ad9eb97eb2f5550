import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

// Whether a workspace has active goals, asked without loading how goals are read: today's page and
// the web inbox show goals only when there are some, and a workspace without any loads nothing more.

export const ACTIVE_GOALS_DIR = join("strategy", "goals", "active");

export function hasActiveGoals(root: string): boolean {
  const dir = join(root, ACTIVE_GOALS_DIR);
  return existsSync(dir) && readdirSync(dir).some((name) => /^g-.+\.md$/.test(name));
}
