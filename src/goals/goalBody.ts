import { calendarDate } from "../files/quickCheck.js";
import { parseCriterion, parseFigure, type Criterion, type Figure } from "./criterion.js";

// The body of a goal file, read by its headings as LeanOS's goal-setter lays it out: the title
// (`# ...`), `## Objective`, `## Success Criteria` (checkboxes), `#### SG1: ...` subgoals with their
// `**Threads:**` line, `### Milestones` (checkboxes, "(by YYYY-MM-DD)") and `## Log` ("- YYYY-MM-DD:
// ..."). Sections leanos does not use (State, Dependencies, Canvas Links) are left as they are.

export interface CriterionLine {
  criterion: Criterion;
  checked: boolean;
  /** Its line in the file (1-based). */
  line: number;
}

export interface Milestone {
  name: string;
  text: string;
  by?: string;
  checked: boolean;
  line: number;
}

export interface Subgoal {
  id: string;
  title: string;
  threads: string[];
  status: string;
}

/** A measured value of a metric, from a Log line ("- 2026-12-10: MRR = €4,000 (sales/elsaai-deal-closed)"). */
export interface LoggedReading {
  date: string;
  metric: string;
  figure: Figure;
  source: string;
  line: number;
}

export interface GoalBody {
  title: string;
  objective: string;
  criteria: CriterionLine[];
  subgoals: Subgoal[];
  milestones: Milestone[];
  readings: LoggedReading[];
}

/** A line of the body that cannot be read: the refusal names it. */
export class BodyProblem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const CHECKBOX = /^\s*[-*]\s+\[( |x|X)\]\s+(.+?)\s*$/;
const LOG_LINE = /^\s*[-*]\s+(\d{4}-\d{2}-\d{2}):\s+(.+?)\s*$/;
const READING = /^(.+?)\s+=\s+(.+?)(?:\s+\(([^()]+)\))?$/;

/** The lines under each `##`/`###`/`####` heading, by its text in lower case. */
function sections(lines: string[]): Map<string, Array<{ text: string; line: number }>> {
  const found = new Map<string, Array<{ text: string; line: number }>>();
  let current: Array<{ text: string; line: number }> | undefined;
  lines.forEach((text, index) => {
    const heading = /^#{2,3}\s+(.+?)\s*$/.exec(text);
    if (heading) {
      current = [];
      found.set(heading[1]!.toLowerCase(), current);
    } else current?.push({ text, line: index + 1 });
  });
  return found;
}

function subgoalsOf(lines: string[]): Subgoal[] {
  const subgoals: Subgoal[] = [];
  for (const text of lines) {
    const heading = /^####\s+(SG\d+):\s*(.+?)\s*$/.exec(text);
    if (heading) subgoals.push({ id: heading[1]!, title: heading[2]!, threads: [], status: "pending" });
    const last = subgoals.at(-1);
    const threads = /^\s*[-*]\s+\*\*Threads:\*\*\s*(.+?)\s*$/.exec(text);
    if (last && threads && !/^none/i.test(threads[1]!))
      last.threads = threads[1]!.split(",").map((thread) => thread.trim());
    const status = /^\s*[-*]\s+\*\*Status:\*\*\s*(\S+)/.exec(text);
    if (last && status) last.status = status[1]!;
  }
  return subgoals;
}

/**
 * Reads a goal file's body. `firstLine` is the file's line the body starts on; `home` the workspace's
 * currency, for a sum whose sign may mean several.
 */
export function readGoalBody(body: string, firstLine: number, home: string): GoalBody {
  const lines = body.split(/\r?\n/);
  const at = (line: number): number => line + firstLine - 1;
  const parts = sections(lines);
  const title = /^#\s+(.+?)\s*$/m.exec(body)?.[1] ?? "";
  const objective = (parts.get("objective") ?? [])
    .map((entry) => entry.text.trim())
    .filter(Boolean)
    .join(" ");

  const criteria: CriterionLine[] = [];
  for (const entry of parts.get("success criteria") ?? []) {
    const box = CHECKBOX.exec(entry.text);
    if (!box) continue;
    const parsed = parseCriterion(box[2]!, home);
    if ("problem" in parsed) throw new BodyProblem(at(entry.line), `a success criterion: ${parsed.problem}`);
    criteria.push({ criterion: parsed, checked: box[1] !== " ", line: at(entry.line) });
  }
  if (criteria.length === 0)
    throw new BodyProblem(
      at(1),
      'no success criterion: add one under "## Success Criteria", such as "- [ ] MRR >= EUR 5,000"',
    );

  const milestones: Milestone[] = [];
  for (const entry of parts.get("milestones") ?? []) {
    const box = CHECKBOX.exec(entry.text);
    const named = box && /^(M\d+):\s*(.+?)(?:\s+\(by\s+(\d{4}-\d{2}-\d{2})\))?$/.exec(box[2]!);
    if (!named) continue;
    if (named[3] && !calendarDate(named[3]))
      throw new BodyProblem(at(entry.line), `milestone ${named[1]}: ${named[3]} is not a calendar date`);
    milestones.push({
      name: named[1]!,
      text: named[2]!,
      ...(named[3] ? { by: named[3] } : {}),
      checked: box[1] !== " ",
      line: at(entry.line),
    });
  }

  const readings: LoggedReading[] = [];
  for (const entry of parts.get("log") ?? []) {
    const logged = LOG_LINE.exec(entry.text);
    if (!logged) continue;
    if (!calendarDate(logged[1]!))
      throw new BodyProblem(at(entry.line), `the log: ${logged[1]} is not a calendar date`);
    const reading = READING.exec(logged[2]!);
    const figure = reading && parseFigure(reading[2]!, home);
    if (reading && figure)
      readings.push({
        date: logged[1]!,
        metric: reading[1]!,
        figure,
        source: reading[3] ?? "the goal's log",
        line: at(entry.line),
      });
  }
  return { title, objective, criteria, subgoals: subgoalsOf(lines), milestones, readings };
}
