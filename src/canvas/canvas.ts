import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";
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

export async function readCanvas(dir: string): Promise<Canvas> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /^\d{2}-[a-z0-9-]+\.md$/.test(name)).sort();
  } catch {
    throw new UsageError(`no canvas at ${dir}`);
  }
  const sections = new Map<string, CanvasSection>();
  for (const name of names) {
    const path = join(dir, name);
    sections.set(name.replace(/\.md$/, ""), { id: name.replace(/\.md$/, ""), path, text: await readFile(path, "utf8") });
  }
  const modeSection = sections.get(MODE_FILE);
  if (!modeSection) throw new UsageError(`${join(dir, `${MODE_FILE}.md`)} is missing: the canvas must state its business mode`);
  const modeWord = /\*\*Mode:\*\*\s*([A-Z]+)/.exec(modeSection.text)?.[1] ?? /\b(VENTURE|BOOTSTRAP|HYBRID)\b/.exec(modeSection.text)?.[1];
  const mode = BusinessMode.safeParse(modeWord);
  if (!mode.success) {
    throw new UsageError(`${modeSection.path}: no business mode found (expected a line "**Mode:** VENTURE|BOOTSTRAP|HYBRID")`);
  }
  const assumptionsSection = sections.get(ASSUMPTIONS_FILE);
  if (!assumptionsSection) throw new UsageError(`${join(dir, `${ASSUMPTIONS_FILE}.md`)} is missing: the flow tests events against it`);
  const { assumptions, problems } = parseAssumptionsDocument(assumptionsSection.text);
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
