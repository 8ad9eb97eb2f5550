import { readdir } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { FileProblem, UsageError } from "../errors.js";
import { readText } from "../files/readText.js";
import { BusinessMode } from "../stages/schemas.js";
import { parseAssumptionsDocument, type Assumption, type AssumptionProblem } from "./assumptions.js";

export interface CanvasSection {
  /** File stem such as `10-assumptions`. */
  id: string;
  path: string;
  text: string;
}

export interface Canvas {
  dir: string;
  mode: BusinessMode;
  /** HYBRID runs on bootstrap factors until the mode file says the company is profitable or funded. */
  profitableOrFunded: boolean;
  sections: Map<string, CanvasSection>;
  assumptions: Assumption[];
  assumptionProblems: AssumptionProblem[];
}

const MODE_FILE = "00-business-model-mode";
const ASSUMPTIONS_FILE = "10-assumptions";
/** The fifteen sections after the mode file, as `leanos init` lays them out; the drafters read them all. */
export const CANVAS_SECTIONS = [
  "01-context",
  "02-mission",
  "03-market",
  "04-segments",
  "05-problem",
  "06-solution",
  "07-uvp",
  "08-unfair-advantage",
  "09-channels",
  ASSUMPTIONS_FILE,
  "11-revenue",
  "12-costs",
  "13-metrics",
  "14-risks",
  "15-gtm",
] as const;

/**
 * Reads the canvas folder `dir` (`strategy/canvas/` of a workspace, whose root is two levels up unless
 * given): every section through readText, so a section that is a folder, binary or not UTF-8, or a
 * link out of the workspace, is refused by name.
 */
export async function readCanvas(dir: string, root: string = dirname(dirname(dir))): Promise<Canvas> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /^\d{2}-[a-z0-9-]+\.md$/.test(name)).sort();
  } catch {
    throw new UsageError(`no canvas at ${dir}`);
  }
  const shown = (id: string): string => relative(root, join(dir, `${id}.md`));
  if (!names.includes(`${MODE_FILE}.md`)) throw new UsageError(`${shown(MODE_FILE)} is missing: the canvas must state its business mode`);
  const missing = CANVAS_SECTIONS.filter((id) => !names.includes(`${id}.md`));
  if (missing.length > 0) {
    throw new UsageError(
      `${shown(missing[0]!)} is missing${missing.length > 1 ? ` (and ${missing.slice(1).map((id) => `${id}.md`).join(", ")})` : ""}: a canvas has ${MODE_FILE}.md and the fifteen sections 01-context.md .. 15-gtm.md; restore it from git, or copy it from a workspace made by leanos init`,
    );
  }
  const sections = new Map<string, CanvasSection>();
  for (const name of names) {
    const path = join(dir, name);
    sections.set(name.replace(/\.md$/, ""), { id: name.replace(/\.md$/, ""), path, text: await readText(root, path) });
  }
  const modeSection = sections.get(MODE_FILE)!;
  const modeWord = /\*\*Mode:\*\*\s*([A-Z]+)/.exec(modeSection.text)?.[1] ?? /\b(VENTURE|BOOTSTRAP|HYBRID)\b/.exec(modeSection.text)?.[1];
  const mode = BusinessMode.safeParse(modeWord);
  if (!mode.success) {
    throw new FileProblem(shown(MODE_FILE), 'no business mode found (expected a line "**Mode:** VENTURE|BOOTSTRAP|HYBRID")');
  }
  const assumptionsSection = sections.get(ASSUMPTIONS_FILE)!;
  const { assumptions, problems } = parseAssumptionsDocument(assumptionsSection.text);
  // A file with no entry at all (emptied, or not the assumptions file) leaves nothing to test events
  // against: a problem like any other, so nothing runs on it.
  if (assumptions.length === 0 && problems.length === 0) {
    problems.push({ line: 1, message: "holds no assumptions: expected entries such as \"### A1: ...\" with **Status:**, **Hypothesis:** and **Confidence:** lines" });
  }
  return {
    dir,
    mode: mode.data,
    profitableOrFunded: /\*\*(Profitable|Funded):\*\*\s*yes/i.test(modeSection.text),
    sections,
    assumptions,
    assumptionProblems: problems,
  };
}

/** The text of the named sections, for a prompt; unknown names are skipped. */
export function canvasExcerpt(canvas: Canvas, ids: readonly string[]): string {
  return ids
    .map((id) => canvas.sections.get(id))
    .filter((section): section is CanvasSection => section !== undefined)
    .map((section) => `<canvas-section id="${section.id}">\n${section.text.trim()}\n</canvas-section>`)
    .join("\n\n");
}

/** A canvas whose assumptions file has problems cannot be updated safely: every problem, with its line. */
export function assertCanvasSound(canvas: Canvas): void {
  if (canvas.assumptionProblems.length === 0) return;
  const file = canvas.sections.get(ASSUMPTIONS_FILE)!.path;
  throw new UsageError(
    `${file} has ${canvas.assumptionProblems.length} problem(s); fix them before running events:\n${canvas.assumptionProblems.map((problem) => `  ${file}:${problem.line}: ${problem.message}`).join("\n")}`,
  );
}
