import { AuditLog } from "../audit/log.js";
import { readCanvas } from "../canvas/canvas.js";
import { canvasLayouts, roleSays, stemsOf } from "../canvas/layouts.js";
import { assumptionRows, confidenceHistory, formatAssumptions } from "../canvas/report.js";
import { UsageError } from "../errors.js";
import { openWorkspace } from "../workspace/workspace.js";

/** `leanos canvas --check`: the layout found, each role's file, and the roles its layout has that the canvas lacks. */
export async function checkCanvas(options: { workspace: string | undefined; json: boolean }): Promise<void> {
  const workspace = await openWorkspace(options.workspace);
  const canvas = await readCanvas(workspace.canvasDir);
  const layout = canvasLayouts().find((candidate) => candidate.name === canvas.layout)!;
  const found = [...canvas.roles.entries()].map(([role, section]) => ({ role, file: section.file }));
  const missing = canvas.missing.map((role) => ({ role, holds: roleSays(role), looked_for: stemsOf(role) }));
  const other = [...canvas.sections.values()].filter((section) => !section.role).map((section) => section.file);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ layout: canvas.layout, says: layout.says, found, missing, other, assumption_problems: canvas.assumptionProblems.length }, null, 2)}\n`,
    );
    return;
  }
  const lines = [
    `Layout: ${canvas.layout} (${layout.says})`,
    "",
    "Sections found, by role:",
    ...found.map((entry) => `  ${entry.role.padEnd(12)} ${entry.file}`),
  ];
  if (missing.length > 0)
    lines.push(
      "",
      "Missing (drafting goes on without them):",
      ...missing.map(
        (entry) => `  no ${entry.role} section: ${entry.holds} (looked for ${entry.looked_for.join(", ")})`,
      ),
    );
  if (other.length > 0)
    lines.push("", "Other files, read as they are (no layout names them):", ...other.map((file) => `  ${file}`));
  process.stdout.write(`${lines.join("\n")}\n`);
}

/**
 * `leanos canvas`: reads the canvas without opening the runtime, so a file with problems still shows
 * every entry that parses; the problems go to stderr and the exit code is 2.
 */
export async function showCanvas(options: {
  workspace: string | undefined;
  json: boolean;
  history?: string;
}): Promise<void> {
  const workspace = await openWorkspace(options.workspace);
  const canvas = await readCanvas(workspace.canvasDir);
  const rows = assumptionRows(canvas.assumptions);
  const write = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  if (options.history) {
    const assumption = canvas.assumptions.find((candidate) => candidate.id === options.history!.toUpperCase());
    if (!assumption)
      throw new UsageError(`--history ${options.history}: no such assumption in strategy/canvas/10-assumptions.md`);
    const steps = confidenceHistory(await new AuditLog(workspace.root, workspace.auditPath).read(), assumption.id);
    if (options.json)
      write(
        JSON.stringify(
          {
            id: assumption.id,
            title: assumption.title,
            confidence: assumption.confidence,
            status: assumption.status,
            history: steps,
          },
          null,
          2,
        ),
      );
    else {
      write(`${assumption.id}: ${assumption.title} (now ${assumption.confidence}%, ${assumption.status})`);
      if (steps.length === 0)
        write(
          `  no change recorded by leanos yet${assumption.previous_confidence !== null ? `; the file says previously ${assumption.previous_confidence}%` : ""}`,
        );
      for (const step of steps)
        write(
          `  ${step.at.slice(0, 10)}  ${step.from.padStart(4)} -> ${step.to.padEnd(4)}  threads/${step.thread}  (approved by ${step.by}${step.commit ? `, ${step.commit.slice(0, 7)}` : ""})`,
        );
    }
  } else if (options.json) {
    write(JSON.stringify(rows, null, 2));
  } else {
    write(formatAssumptions(rows));
  }
  if (canvas.assumptionProblems.length > 0) {
    const file = canvas.roles.get("assumptions")!.file;
    throw new UsageError(
      canvas.assumptionProblems.map((problem) => `${file}:${problem.line}: ${problem.message}`).join("\n"),
    );
  }
}
