import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { StageContext } from "../stages/context.js";
import type { MissingInput } from "./missingInput.js";

// What an investigation finds in the workspace, and whether its document reports anything. The
// engine cannot pull a quarter of analytics; what it can cite is what the workspace already records
// about the assumptions at stake. A person adds the rest, each finding with its source, in the
// document's findings table. Any action whose document has a table under a "Findings" heading is
// such a report (the template says so, no setting does): with no filled row, it has nothing to report.

export interface Finding {
  finding: string;
  shows: string;
  suggests: string;
  source: string;
}

/** A table cell holds one line and no column break. */
const cell = (text: string): string => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();

/**
 * The canvas's record of each assumption the thread tests, where the canvas holds evidence for it:
 * its status and confidence, the threads behind them, and what this event suggests. An assumption
 * with no evidence on record says nothing yet, so it is no finding.
 */
export function canvasFindings(context: StageContext): Finding[] {
  const path = context.canvas.roles.get("assumptions")!.file;
  const findings: Finding[] = [];
  for (const test of context.outputs.hypothesis?.tests ?? []) {
    const assumption = context.canvas.assumptions.find((candidate) => candidate.id === test.assumption_id);
    if (!assumption || assumption.evidence.length === 0) continue;
    const was = assumption.previous_confidence !== null ? ` (previously ${assumption.previous_confidence}%)` : "";
    findings.push({
      finding: cell(
        `${assumption.id} "${assumption.title}" is ${assumption.status} at ${assumption.confidence}%${was}`,
      ),
      shows: cell(
        `On record: ${assumption.evidence.join(", ")}${assumption.last_validated ? `; last validated ${assumption.last_validated}` : ""}`,
      ),
      suggests: cell(
        `This event ${test.direction === "new" ? "suggests a new assumption" : `${test.direction} it`} (${test.proposed_confidence}% proposed); one event does not settle it`,
      ),
      source: path,
    });
  }
  return findings;
}

/**
 * The filled rows of the table under a "Findings" heading, each as its cells; undefined when the
 * document has no such table. A row of empty cells (the template's blank line) is not a finding.
 */
export function findingsIn(markdown: string): string[][] | undefined {
  const lines = markdown.split(/\r?\n/);
  const heading = lines.findIndex((line) => /^#{1,6}\s+findings\b/i.test(line.trim()));
  if (heading < 0) return undefined;
  const rows: string[][] = [];
  let table = false;
  for (const line of lines.slice(heading + 1)) {
    const trimmed = line.trim();
    if (/^#{1,6}\s/.test(trimmed)) break;
    if (!trimmed.startsWith("|")) {
      if (table) break;
      continue;
    }
    const cells = trimmed
      .replace(/^\|/, "")
      .replace(/(?<!\\)\|$/, "")
      .split(/(?<!\\)\|/)
      .map((text) => text.trim());
    if (!table) {
      table = true; // the header row
      continue;
    }
    if (cells.every((text) => /^:?-+:?$/.test(text))) continue;
    // Blanks, dashes and underscores are the template's placeholders, not findings.
    if (cells.some((text) => !/^[\s_\-–—.]*$/.test(text))) rows.push(cells);
  }
  return table ? rows : undefined;
}

/**
 * Why a report has nothing in it, if it has not: its documents have a findings table and none has a
 * filled row. Documents without such a table report no findings, so nothing is missing from them.
 * `found` is what the workspace gave the report (0: the canvas had nothing to cite, which is said).
 */
export async function findingsMissing(
  workspaceRoot: string,
  documents: readonly string[],
  found?: number,
): Promise<MissingInput | undefined> {
  let table: string | undefined;
  for (const path of documents) {
    if (!existsSync(join(workspaceRoot, path))) continue;
    const rows = findingsIn(await readFile(join(workspaceRoot, path), "utf8"));
    if (rows === undefined) continue;
    if (rows.length > 0) return undefined;
    table ??= path;
  }
  if (table === undefined) return undefined;
  return {
    reason: `the investigation found nothing to report: the findings table of ${table} is empty${found === 0 ? " (the canvas holds no evidence on the assumptions it tests)" : ""}`,
    add: "write what you found in that table, each finding with its source, and accept to record it",
  };
}
