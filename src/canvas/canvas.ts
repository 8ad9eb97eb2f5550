import { readdir } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { FileProblem, UsageError } from "../errors.js";
import { readText } from "../files/readText.js";
import { BusinessMode } from "../core/stageSchemas.js";
import { parseAssumptionsDocument, type Assumption, type AssumptionProblem } from "./assumptions.js";
import {
  layoutOf,
  REQUIRED_ROLES,
  roleOfStem,
  roleSays,
  stemsOf,
  type CanvasRole,
  type LayoutName,
} from "./layouts.js";

export interface CanvasSection {
  /** File stem such as `10-assumptions` (or `10.assumptions`). */
  id: string;
  path: string;
  /** The path relative to the workspace, as messages and canvas updates name it. */
  file: string;
  /** What the section is (canvas/layouts.yaml); a file no layout names has none, and is read all the same. */
  role?: CanvasRole;
  text: string;
}

export interface Canvas {
  dir: string;
  mode: BusinessMode;
  /** HYBRID runs on bootstrap factors until the mode file says the company is profitable or funded. */
  profitableOrFunded: boolean;
  /** Every section by file stem, in file order: what a model is shown. */
  sections: Map<string, CanvasSection>;
  /** The sections that have a role, by role: what code reads. */
  roles: Map<CanvasRole, CanvasSection>;
  /** The layout most of its files follow, and the roles of that layout it has no file for. */
  layout: LayoutName;
  missing: CanvasRole[];
  assumptions: Assumption[];
  assumptionProblems: AssumptionProblem[];
}

// A section file: two digits, a dash or a dot, a lower-case name. Anything else in the folder (a
// README, a name with two dots) is no section and is never read.
const SECTION_FILE = /^\d{2}[-.][a-z0-9-]+\.md$/;

/** A role's section text, or "" when the canvas has none (drafting goes on without it). */
export const sectionText = (canvas: Canvas, role: CanvasRole): string => canvas.roles.get(role)?.text ?? "";

/**
 * Reads the canvas folder `dir` (`strategy/canvas/` of a workspace, whose root is two levels up unless
 * given) in any of the layouts of canvas/layouts.yaml: every section through readText, so a section
 * that is a folder, binary or not UTF-8, or a link out of the workspace, is refused by name. Only the
 * mode and the assumptions are required; two files of one role are refused.
 */
export async function readCanvas(dir: string, root: string = dirname(dirname(dir))): Promise<Canvas> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => SECTION_FILE.test(name)).sort();
  } catch {
    throw new UsageError(`no canvas at ${dir}`);
  }
  const shown = (name: string): string => relative(root, join(dir, name));
  const byRole = new Map<CanvasRole, string>();
  for (const name of names) {
    const role = roleOfStem(name.replace(/\.md$/, ""));
    if (!role) continue;
    const other = byRole.get(role);
    if (other)
      throw new UsageError(
        `${shown(other)} and ${shown(name)} are both the canvas's ${role} section (${roleSays(role)}): keep one of them`,
      );
    byRole.set(role, name);
  }
  for (const role of REQUIRED_ROLES) {
    if (!byRole.has(role)) {
      throw new UsageError(
        `no ${role} section in ${relative(root, dir) || dir} (${roleSays(role)}): looked for ${stemsOf(role).join(", ")}; lay one out with leanos init, or copy it from LeanOS's canvas`,
      );
    }
  }
  const sections = new Map<string, CanvasSection>();
  const roles = new Map<CanvasRole, CanvasSection>();
  for (const name of names) {
    const path = join(dir, name);
    const id = name.replace(/\.md$/, "");
    const role = roleOfStem(id);
    const section: CanvasSection = {
      id,
      path,
      file: shown(name),
      ...(role ? { role } : {}),
      text: await readText(root, path),
    };
    sections.set(id, section);
    if (role) roles.set(role, section);
  }
  const layout = layoutOf([...sections.keys()]);
  const modeSection = roles.get("mode")!;
  const modeWord =
    /\*\*Mode:\*\*\s*([A-Z]+)/.exec(modeSection.text)?.[1] ??
    /\b(VENTURE|BOOTSTRAP|HYBRID)\b/.exec(modeSection.text)?.[1];
  const mode = BusinessMode.safeParse(modeWord);
  if (!mode.success) {
    throw new FileProblem(
      modeSection.file,
      'no business mode found (expected a line "**Mode:** VENTURE|BOOTSTRAP|HYBRID")',
    );
  }
  const { assumptions, problems } = parseAssumptionsDocument(roles.get("assumptions")!.text);
  // A file with no entry at all (emptied, or not the assumptions file) leaves nothing to test events
  // against: a problem like any other, so nothing runs on it.
  if (assumptions.length === 0 && problems.length === 0) {
    problems.push({
      line: 1,
      message:
        'holds no assumptions: expected entries such as "### A1: ..." with **Status:**, **Hypothesis:** and **Confidence:** lines',
    });
  }
  return {
    dir,
    mode: mode.data,
    profitableOrFunded: /\*\*(Profitable|Funded):\*\*\s*yes/i.test(modeSection.text),
    sections,
    roles,
    layout: layout.name,
    missing: [...new Set(Object.values(layout.files))].filter((role) => !roles.has(role)),
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
  const file = canvas.roles.get("assumptions")!.path;
  throw new UsageError(
    `${file} has ${canvas.assumptionProblems.length} problem(s); fix them before running events:\n${canvas.assumptionProblems.map((problem) => `  ${file}:${problem.line}: ${problem.message}`).join("\n")}`,
  );
}

/** The company's name: a `**Company:**` line in 01-context.md, else its first CamelCase brand word. */
export function companyName(canvas: Canvas): string {
  const context = sectionText(canvas, "context");
  return (
    /\*\*Company:\*\*\s*(.+?)\s*$/m.exec(context)?.[1] ??
    /\b([A-Z][a-z]+[A-Z][A-Za-z]*)\b/.exec(context)?.[1] ??
    "the company"
  );
}
