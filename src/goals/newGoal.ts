import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { writeFileAtomically } from "../files/atomic.js";
import { renderPlain } from "../files/plainTemplate.js";
import { calendarDate } from "../files/quickCheck.js";
import { readText } from "../files/readText.js";
import { toolPath } from "../files/toolRoot.js";
import { parseCriterion, parseFigure, showCriterion, showFigure, type Criterion } from "./criterion.js";
import { GOAL_STATUSES, GoalAutonomy, GoalId, GoalType, type GoalAutonomy as Autonomy } from "./goalFile.js";
import { GOALS_DIR } from "./goals.js";

// `leanos goal add`: a goal file in LeanOS's layout, from the goals skill's template
// (skills/goals/assets/goal.md; a workspace's own skills/goals/assets/goal.md replaces it).

export interface NewGoal {
  objective: string;
  deadline?: string;
  criteria: string[];
  title?: string;
  id?: string;
  autonomy?: string;
  type?: string;
  subgoals?: string[];
  /** Values measured when the goal is set ("MRR = EUR 1,000"): where its progress starts. */
  baselines?: string[];
  canvasRefs?: string[];
  /** The day it is set (YYYY-MM-DD). */
  today: string;
}

/** One line, as a goal file's body holds each of these (a line break would open a section of its own). */
const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

const slugOf = (text: string): string =>
  text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .slice(0, 5)
    .join("-")
    .slice(0, 40)
    .replace(/-+$/, "");

/** A criterion as an id's words: "MRR >= €5,000" is "mrr-5k". */
function criterionWords(criterion: Criterion): string {
  const value = criterion.target.value;
  const compact =
    value >= 1e6
      ? `${+(value / 1e6).toFixed(1)}m`
      : value >= 1e3
        ? `${+(value / 1e3).toFixed(1)}k`
        : `${+value.toFixed(1)}`;
  return `${criterion.metric} ${compact.replace(".", "-")}`;
}

/** "MRR >= EUR 5,000 by 2027-03-31": the objective's own criterion and deadline, when it says them. */
function objectiveParts(objective: string, home: string): { criterion?: string; deadline?: string } {
  const by = /^(.*?)\s+by\s+(\d{4}-\d{2}-\d{2})\.?$/i.exec(objective);
  const head = by ? by[1]! : objective;
  const parsed = parseCriterion(head, home);
  return { ...("problem" in parsed ? {} : { criterion: head }), ...(by ? { deadline: by[2]! } : {}) };
}

function checkedDate(name: string, date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !calendarDate(date))
    throw new UsageError(`--${name} ${date}: expected a calendar date as YYYY-MM-DD`);
  return date;
}

/** The day `fraction` of the way from `from` to `to`. */
const dayBetween = (from: string, to: string, fraction: number): string =>
  new Date(Date.parse(from) + (Date.parse(to) - Date.parse(from)) * fraction).toISOString().slice(0, 10);

/** M1-M3 at a quarter, half and three quarters of the way to the first criterion; M4 the goal itself. */
function milestonesOf(first: Criterion, start: number, created: string, deadline: string) {
  const steps = [0.25, 0.5, 0.75].map((fraction, index) => ({
    name: `M${index + 1}`,
    text: `${first.metric} ${first.comparison} ${showFigure({ ...first.target, value: start + (first.target.value - start) * fraction })}`,
    by: dayBetween(created, deadline, fraction),
  }));
  return [...steps, { name: "M4", text: "Goal achieved", by: deadline }];
}

/** Writes the new goal's file and returns its path (relative to the workspace). */
export async function addGoal(root: string, home: string, request: NewGoal): Promise<{ file: string; id: string }> {
  const objective = oneLine(request.objective);
  if (!objective) throw new UsageError('a goal needs an objective, such as "MRR >= EUR 5,000 by 2027-03-31"');
  const fromObjective = objectiveParts(objective, home);
  const deadline = checkedDate("deadline", request.deadline ?? fromObjective.deadline ?? "");
  const created = checkedDate("now", request.today);
  if (deadline < created) throw new UsageError(`--deadline ${deadline} is before today (${created})`);
  const written =
    request.criteria.length > 0 ? request.criteria : fromObjective.criterion ? [fromObjective.criterion] : [];
  if (written.length === 0)
    throw new UsageError('a goal needs a success criterion with a number: --criterion "MRR >= EUR 5,000"');
  const criteria = written.map((text) => {
    const parsed = parseCriterion(oneLine(text), home);
    if ("problem" in parsed) throw new UsageError(`--criterion: ${parsed.problem}`);
    return parsed;
  });
  const baselines = (request.baselines ?? []).map((text) => {
    const [metric, value] = oneLine(text).split(/\s+=\s+/);
    const figure = value === undefined ? undefined : parseFigure(value, home);
    if (!metric || !figure)
      throw new UsageError(`--baseline "${text}": expected a metric and its value, such as "MRR = EUR 1,000"`);
    return { metric, figure };
  });
  const title = oneLine(request.title ?? objective).slice(0, 120);
  const id = GoalId.safeParse(request.id ?? `g-${slugOf(request.title ?? criterionWords(criteria[0]!))}`);
  if (!id.success) throw new UsageError(`--id ${request.id}: ${id.error.issues[0]!.message}`);
  const autonomy = GoalAutonomy.safeParse(request.autonomy ?? "hybrid");
  if (!autonomy.success) throw new UsageError(`--autonomy ${request.autonomy}: one of auto, ask, hybrid`);
  const type = GoalType.safeParse(request.type ?? "business");
  if (!type.success) throw new UsageError(`--type ${request.type}: one of ${GoalType.options.join(", ")}`);
  for (const status of GOAL_STATUSES) {
    const taken = join(GOALS_DIR, status, `${id.data}.md`);
    if (existsSync(join(root, taken)))
      throw new UsageError(`a goal ${id.data} exists already: ${taken} (name this one with --id)`);
  }
  const first = criteria[0]!;
  const start = baselines.find((line) => line.metric.toLowerCase() === first.metric.toLowerCase())?.figure.value ?? 0;
  const view = {
    id: id.data,
    type: type.data,
    autonomy: autonomy.data satisfies Autonomy,
    created,
    deadline,
    canvas_refs: JSON.stringify((request.canvasRefs ?? []).map(oneLine)),
    title,
    objective,
    criteria: criteria.map(showCriterion),
    subgoals: (request.subgoals ?? []).map((text, index) => ({
      id: `SG${index + 1}`,
      title: oneLine(text),
      success: oneLine(text),
      depends_on: index === 0 ? "None" : `SG${index}`,
      thread_type: "any",
    })),
    milestones: milestonesOf(first, start, created, deadline),
    baseline: baselines.map((line) => `${line.metric} = ${showFigure(line.figure)}`),
  };
  const own = join("skills", "goals", "assets", "goal.md");
  const template = existsSync(join(root, own))
    ? await readText(root, own)
    : await readFile(toolPath("skills", "goals", "assets", "goal.md"), "utf8");
  const file = join(GOALS_DIR, "active", `${id.data}.md`);
  await writeFileAtomically(root, file, renderPlain(template, view));
  return { file, id: id.data };
}
