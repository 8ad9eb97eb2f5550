import { existsSync } from "node:fs";
import { join } from "node:path";
import { FileProblem } from "../errors.js";
import { readText } from "../files/readText.js";
import { measurableForm, type Measurable } from "./measurable.js";
import { parsePrecedent, type Precedent } from "./precedent.js";

// strategy/values.md, LeanOS's value function, read in either of the forms LeanOS writes it: the
// tiers as lines (docs/value-function.md: "Financial: Monthly spend ceiling $3K — why") or as tables
// (str-defining-values: | Constraint | Source | Consequence of violation |), with the Decision
// Precedents as "domain | situation | decision | principle | YYYY-MM-DD" lines. A hard constraint
// that cannot be read is refused with its line: nothing is blocked, or let through, silently.

export const VALUES_FILE = join("strategy", "values.md");

export interface HardConstraint {
  /** H1, H2... by its place among the hard constraints: how a drafter's judgement and a gate name it. */
  id: string;
  domain: string;
  text: string;
  why: string;
  line: number;
  /** Checked in code before any action runs; undefined: prose, for a model drafter to judge at a gate. */
  form?: Measurable;
}

/** A hard constraint as it is named: "Financial: Monthly spend ceiling $3K" (its domain, where it has one). */
export const hardName = (constraint: Pick<HardConstraint, "domain" | "text">): string =>
  constraint.domain ? `${constraint.domain}: ${constraint.text}` : constraint.text;

export interface SoftConstraint {
  /** S1, S2... by its place among the soft constraints. */
  id: string;
  text: string;
  /** How compliance is evaluated (the line's part after the dash, or the table's override condition). */
  evaluate: string;
  line: number;
  /** Scored in code; undefined: prose, for a model drafter to judge. */
  form?: Measurable;
}

export interface Values {
  file: string;
  hard: HardConstraint[];
  soft: SoftConstraint[];
  tradeoffs: Array<{ text: string; line: number }>;
  precedents: Precedent[];
}

type Tier = "hard" | "soft" | "tradeoffs" | "precedents" | "other";

function tierOf(heading: string): Tier {
  const text = heading.toLowerCase();
  if (text.includes("hard constraint")) return "hard";
  if (text.includes("soft constraint")) return "soft";
  if (text.includes("tradeoff") || text.includes("trade-off")) return "tradeoffs";
  if (text.includes("precedent")) return "precedents";
  return "other";
}

/** A table row's cells, or undefined for a line that is not a row (or is a header's rule). */
const cellsOf = (line: string): string[] | undefined =>
  /^\s*\|.*\|\s*$/.test(line) && !/^\s*\|[\s:|-]+\|\s*$/.test(line)
    ? line
        .trim()
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim())
    : undefined;

/** "Domain: constraint — why" (an em dash, or " - " / " -- "). */
const HARD_LINE = /^([^:|]{2,40}):\s*(.+?)\s+(?:—|–|--|-)\s+(.+)$/;
const DASHED = /^(.+?)\s+(?:—|–|--|-)\s+(.+)$/;
const HEADER_WORDS = /^(constraint|preference|tradeoff|domain)$/i;

/** Reads the value function; `home` is the workspace's currency, for a ceiling whose sign may mean several. */
export function parseValues(file: string, text: string, home: string): Values {
  const values: Values = { file, hard: [], soft: [], tradeoffs: [], precedents: [] };
  let tier: Tier = "other";
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const heading = /^#{1,4}\s+(.+?)\s*$/.exec(raw);
    if (heading) {
      tier = tierOf(heading[1]!);
      return;
    }
    // LeanOS's docs show the line forms inside fences: the lines inside count as any other.
    if (/^\s*```/.test(raw)) return;
    // A table's header rule.
    if (/^\s*\|[\s:|-]+\|\s*$/.test(raw)) return;
    const content = raw.replace(/^\s*(?:[-*]|\d+\.)\s+/, "").trim();
    if (!content || tier === "other" || content.startsWith("<!--") || content.startsWith(">")) return;
    const cells = cellsOf(raw);
    if (cells && HEADER_WORDS.test(cells[0]!)) return;
    if (tier === "precedents") {
      const read = parsePrecedent(content, line);
      if ("problem" in read) throw new FileProblem(file, `a decision precedent: ${read.problem}`, line);
      values.precedents.push(read);
    } else if (tier === "hard") {
      values.hard.push({ id: `H${values.hard.length + 1}`, ...hardConstraint(file, content, cells, line, home) });
    } else if (tier === "soft") {
      const dashed = cells ? [cells[0]!, cells[2] ?? cells[1] ?? ""] : DASHED.exec(content)?.slice(1);
      const text = dashed?.[0] ?? content;
      const form = measurableForm(text, home);
      values.soft.push({
        id: `S${values.soft.length + 1}`,
        text,
        evaluate: dashed?.[1] ?? "",
        line,
        ...(form ? { form } : {}),
      });
    } else values.tradeoffs.push({ text: content, line });
  });
  return values;
}

function hardConstraint(
  file: string,
  content: string,
  cells: string[] | undefined,
  line: number,
  home: string,
): Omit<HardConstraint, "id"> {
  if (cells) {
    const [text = "", source = "", why = ""] = cells;
    if (!text) throw new FileProblem(file, "a hard constraint's row names no constraint", line);
    const form = measurableForm(text, home);
    return { domain: source, text, why, line, ...(form ? { form } : {}) };
  }
  const parts = HARD_LINE.exec(content);
  if (!parts)
    throw new FileProblem(
      file,
      `a hard constraint is written "Domain: constraint — why it is hard" (for example "Financial: Monthly spend ceiling $3K — runway"); this line is not, so it is not checked: "${content.slice(0, 120)}"`,
      line,
    );
  const form = measurableForm(parts[2]!, home);
  return { domain: parts[1]!.trim(), text: parts[2]!.trim(), why: parts[3]!.trim(), line, ...(form ? { form } : {}) };
}

/** The workspace's value function, or undefined when it keeps none. */
export async function readValues(root: string, home: string): Promise<Values | undefined> {
  if (!existsSync(join(root, VALUES_FILE))) return undefined;
  return parseValues(VALUES_FILE, await readText(root, VALUES_FILE), home);
}
