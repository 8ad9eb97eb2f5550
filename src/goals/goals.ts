import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { FileProblem, describeZodIssues } from "../errors.js";
import { cachedFrontMatter } from "../files/cachedReads.js";
import { readText } from "../files/readText.js";
import { BodyProblem, readGoalBody, type GoalBody } from "./goalBody.js";
import { GOAL_STATUSES, GoalFrontMatter, type GoalStatus } from "./goalFile.js";

// The workspace's goals: strategy/goals/{active,completed,abandoned}/g-*.md, each file named by its id
// and kept in the folder of its status.

export const GOALS_DIR = join("strategy", "goals");

export interface Goal extends GoalBody {
  /** The file, relative to the workspace. */
  file: string;
  front: GoalFrontMatter;
}

/** The goal files of one status folder, relative to the workspace, in name order. */
export async function goalFiles(root: string, status: GoalStatus): Promise<string[]> {
  const dir = join(root, GOALS_DIR, status);
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((name) => /^g-.+\.md$/.test(name))
    .sort()
    .map((name) => join(GOALS_DIR, status, name));
}

/** The line of a front-matter key, for a refusal that names it (2 when the key is not written). */
function keyLine(text: string, key: PropertyKey | undefined): number {
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex((line, at) => at > 0 && line.startsWith(`${String(key)}:`));
  return index >= 0 ? index + 1 : 2;
}

/** Reads and checks one goal file; `home` is the workspace's currency. */
export async function readGoal(root: string, file: string, home: string): Promise<Goal> {
  const text = await readText(root, file);
  const { data, content } = await cachedFrontMatter(file, text);
  const front = GoalFrontMatter.safeParse(data);
  if (!front.success) {
    const issue = front.error.issues[0]!;
    throw new FileProblem(file, `invalid goal: ${describeZodIssues(front.error.issues)}`, keyLine(text, issue.path[0]));
  }
  const status = basename(join(file, ".."));
  if (front.data.status !== status)
    throw new FileProblem(
      file,
      `invalid goal: status: ${front.data.status}, but the file is in ${status}/ (move it to ${front.data.status}/, or set status: ${status})`,
      keyLine(text, "status"),
    );
  if (`${front.data.id}.md` !== basename(file))
    throw new FileProblem(file, `invalid goal: id: ${front.data.id} must be the file's name`, keyLine(text, "id"));
  // The body starts where gray-matter's content does: the lines before it are the front-matter's.
  const firstLine = text.endsWith(content) ? text.slice(0, text.length - content.length).split("\n").length : 1;
  try {
    return { file, front: front.data, ...readGoalBody(content, firstLine, home) };
  } catch (error) {
    if (error instanceof BodyProblem) throw new FileProblem(file, `invalid goal: ${error.message}`, error.line);
    throw error;
  }
}

/** Every goal of the workspace, active ones first. */
export async function readGoals(
  root: string,
  home: string,
  statuses: readonly GoalStatus[] = GOAL_STATUSES,
): Promise<Goal[]> {
  const goals: Goal[] = [];
  for (const status of statuses)
    for (const file of await goalFiles(root, status)) goals.push(await readGoal(root, file, home));
  // An active goal also in completed/ or abandoned/ is what a move interrupted by a crash left behind
  // (graph/goalProgress.ts writes the new file first): the later status stands.
  const settled = new Set(await settledIds(root, statuses));
  return goals.filter((goal) => goal.front.status !== "active" || !settled.has(goal.front.id));
}

/** The ids of the completed and abandoned goals, read from their files' names (the id is the name). */
async function settledIds(root: string, statuses: readonly GoalStatus[]): Promise<string[]> {
  if (!statuses.includes("active")) return [];
  const files = [...(await goalFiles(root, "completed")), ...(await goalFiles(root, "abandoned"))];
  return files.map((file) => basename(file, ".md"));
}
