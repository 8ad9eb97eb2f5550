import { execFile } from "node:child_process";
import { FALLBACK_GIT_IDENTITY } from "../files/gitIdentity.js";
import { realpath } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Canvas } from "./canvas.js";
import { promisify } from "node:util";
import { createTwoFilesPatch } from "diff";
import { z } from "zod";
import { UsageError } from "../errors.js";
import { containedPath } from "../files/contained.js";
import { durableStep } from "../files/crashPoints.js";
import { readText } from "../files/readText.js";
import type { LearningOutput } from "../core/stageSchemas.js";
import { AssumptionStatus, parseAssumptionsDocument } from "./assumptions.js";
import { applyAssumptionChanges, type AssumptionChange } from "./assumptionEdits.js";
import { readMetric, setMetric } from "./metrics.js";

// A canvas update proposed by a learning stage: what it changes, the unified diff a person approves,
// and the atomic write (plus a git commit when the workspace is a repository).

/** The files a canvas update may write, relative to the workspace: its assumptions section, and its metrics table if it has one. */
export interface CanvasFiles {
  assumptions: string;
  metrics?: string;
}

export function canvasFilesOf(canvas: Canvas): CanvasFiles {
  const metrics = canvas.roles.get("metrics");
  return { assumptions: canvas.roles.get("assumptions")!.file, ...(metrics ? { metrics: metrics.file } : {}) };
}

/** The editable values of a canvas gate, flattened: `A4.confidence`, `A4.status`, `metric.ARR`. */
export type CanvasValues = Record<string, string | number>;

export function canvasValuesFrom(learning: LearningOutput): CanvasValues {
  const values: CanvasValues = {};
  for (const update of learning.canvas_updates) {
    if (update.field === "confidence") {
      const to = Number.parseInt(update.to, 10);
      if (Number.isFinite(to)) values[`${update.assumption_id}.confidence`] = to;
    } else {
      const status = AssumptionStatus.safeParse(update.to.trim().toUpperCase());
      if (status.success) values[`${update.assumption_id}.status`] = status.data;
    }
  }
  for (const metric of learning.metric_updates) values[`metric.${metric.metric}`] = metric.to;
  return values;
}

/** Checks edited values: confidences are whole percents, statuses are known, keys are known. */
export function checkCanvasValues(values: CanvasValues, allowedKeys: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (!allowedKeys.includes(key))
      problems.push(`"${key}" is not part of this canvas update (fields: ${allowedKeys.join(", ")})`);
    else if (key.endsWith(".confidence") && !z.number().int().min(0).max(100).safeParse(value).success)
      problems.push(`${key}: confidence must be a whole number from 0 to 100, not ${JSON.stringify(value)}`);
    else if (key.endsWith(".status") && !AssumptionStatus.safeParse(value).success)
      problems.push(`${key}: status must be one of ${AssumptionStatus.options.join(", ")}`);
    else if (key.startsWith("metric.")) {
      const problem = metricCellProblem(value);
      if (problem) problems.push(`${key}: ${problem}`);
    }
  }
  return problems;
}

/** The longest metric value a 13-metrics.md cell takes. */
const MAX_CELL = 80;

/** Why a value cannot go into a markdown table cell as it is, if it cannot: one short line, no column breaks. */
function metricCellProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim().length === 0) return 'a metric value is text such as "$4.76M"';
  if (/[\r\n]/.test(value)) return "a table cell holds one line: no line breaks";
  if (value.includes("|")) return 'a table cell cannot hold "|" (it would start a new column)';

  if (/[\u0000-\u001f\u007f]/.test(value)) return "a table cell cannot hold control characters";
  if (value.length > MAX_CELL) return `a table cell holds at most ${MAX_CELL} characters`;
  return undefined;
}

/**
 * What the values name that the canvas no longer has (a metric row renamed, an assumption removed
 * since the question was asked): applying them would silently change nothing.
 */
export async function missingCanvasTargets(
  workspaceRoot: string,
  values: CanvasValues,
  files: CanvasFiles,
): Promise<string[]> {
  const { assumptions: assumptionsFile, metrics: metricsFile } = files;
  const keys = Object.keys(values);
  const missing: string[] = [];
  if (keys.some((key) => !key.startsWith("metric."))) {
    const ids = new Set(
      parseAssumptionsDocument(await readText(workspaceRoot, assumptionsFile)).assumptions.map(
        (assumption) => assumption.id,
      ),
    );
    for (const id of new Set(keys.filter((key) => !key.startsWith("metric.")).map((key) => key.split(".")[0]!))) {
      if (!ids.has(id)) missing.push(`assumption ${id} is no longer in ${assumptionsFile}`);
    }
  }
  const metrics = keys.filter((key) => key.startsWith("metric.")).map((key) => key.slice("metric.".length));
  if (metrics.length > 0 && !metricsFile) missing.push("the canvas has no metrics section");
  else if (metrics.length > 0 && metricsFile) {
    const text = await readText(workspaceRoot, metricsFile);
    for (const metric of metrics)
      if (readMetric(text, metric) === null) missing.push(`metric "${metric}" is no longer a row of ${metricsFile}`);
  }
  return missing;
}

export interface CanvasFileChange {
  /** Relative to the workspace. */
  path: string;
  before: string;
  after: string;
}

export interface CanvasPlan {
  assumptionChanges: AssumptionChange[];
  metricChanges: Array<{ metric: string; from: string; to: string }>;
  files: CanvasFileChange[];
  diff: string;
}

/**
 * What the values would change in the files as they are now. Every changed assumption also gets the
 * thread as evidence and today as its last validation.
 */
export async function planCanvasUpdate(
  workspaceRoot: string,
  thread: string,
  values: CanvasValues,
  today: string,
  canvasFiles: CanvasFiles,
): Promise<CanvasPlan> {
  const { assumptions: assumptionsFile, metrics: metricsFile } = canvasFiles;
  const evidence = `threads/${thread}`;
  const byId = new Map<string, AssumptionChange>();
  const metricValues: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith("metric.")) {
      metricValues.push([key.slice("metric.".length), String(value)]);
      continue;
    }
    const [id, field] = key.split(".") as [string, string];
    const change = byId.get(id) ?? { id, addEvidence: evidence, lastValidated: today };
    if (field === "confidence") change.confidence = Number(value);
    if (field === "status") change.status = value as AssumptionChange["status"];
    byId.set(id, change);
  }
  const files: CanvasFileChange[] = [];
  const assumptionChanges = [...byId.values()];
  if (assumptionChanges.length > 0) {
    const before = await readText(workspaceRoot, assumptionsFile);
    const after = applyAssumptionChanges(before, assumptionChanges);
    if (after !== before) files.push({ path: assumptionsFile, before, after });
  }
  const metricChanges: CanvasPlan["metricChanges"] = [];
  if (metricValues.length > 0 && metricsFile) {
    const before = await readText(workspaceRoot, metricsFile);
    let after = before;
    for (const [metric, to] of metricValues) {
      const from = readMetric(after, metric);
      if (from === null || from === to) continue;
      after = setMetric(after, metric, to);
      metricChanges.push({ metric, from, to });
    }
    if (after !== before) files.push({ path: metricsFile, before, after });
  }
  const diff = files
    .map((file) =>
      createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.before, file.after, "", "", { context: 2 }),
    )
    .join("\n");
  return { assumptionChanges, metricChanges, files, diff };
}

/** The audit lines of a plan: one per changed field, with its old and new value. */
export function describePlan(
  before: string,
  plan: CanvasPlan,
): Array<{ assumption?: string; metric?: string; field: string; from: string; to: string }> {
  const current = parseAssumptionsDocument(before).assumptions;
  const lines: Array<{ assumption?: string; metric?: string; field: string; from: string; to: string }> = [];
  for (const change of plan.assumptionChanges) {
    const was = current.find((assumption) => assumption.id === change.id);
    if (!was) continue;
    if (change.confidence !== undefined && change.confidence !== was.confidence)
      lines.push({
        assumption: change.id,
        field: "confidence",
        from: `${was.confidence}%`,
        to: `${change.confidence}%`,
      });
    if (change.status !== undefined && change.status !== was.status)
      lines.push({ assumption: change.id, field: "status", from: was.status, to: change.status });
    if (change.addEvidence && !was.evidence.includes(change.addEvidence))
      lines.push({
        assumption: change.id,
        field: "evidence",
        from: String(was.evidence.length),
        to: `+ ${change.addEvidence}`,
      });
  }
  for (const metric of plan.metricChanges)
    lines.push({ metric: metric.metric, field: "current", from: metric.from, to: metric.to });
  return lines;
}

/** The commit message: `Canvas: validated A4, challenged A2 via threads/sales/x`. */
export function commitMessage(plan: CanvasPlan, before: string, thread: string): string {
  const current = parseAssumptionsDocument(before).assumptions;
  const verbs = plan.assumptionChanges.map((change) => {
    const was = current.find((assumption) => assumption.id === change.id);
    const status = change.status ?? was?.status;
    const verb =
      status === "VALIDATED"
        ? "validated"
        : status === "INVALIDATED"
          ? "invalidated"
          : status === "CHALLENGED"
            ? "challenged"
            : (change.confidence ?? 0) >= (was?.confidence ?? 0)
              ? "strengthened"
              : "weakened";
    return `${verb} ${change.id}`;
  });
  if (plan.metricChanges.length > 0)
    verbs.push(`updated ${plan.metricChanges.map((metric) => metric.metric).join(", ")}`);
  return `Canvas: ${verbs.join(", ")} via threads/${thread}`;
}

const run = promisify(execFile);

/**
 * Commits the changed canvas files when the workspace is a git repository; returns the commit id,
 * or undefined when it is not a repository. Only the canvas files are committed, whatever else is staged.
 * Committing again what is already committed (a retry after a crash) makes no new commit: it returns
 * the commit that recorded it, found by its message.
 */
export async function commitCanvas(
  workspaceRoot: string,
  paths: readonly string[],
  message: string,
): Promise<string | undefined> {
  try {
    const { stdout } = await run("git", ["-C", workspaceRoot, "rev-parse", "--show-toplevel"]);
    const top = stdout.trim();
    // Only a workspace that is a repository of its own: never commit into a repository around it.
    if ((await realpath(top)) !== (await realpath(workspaceRoot))) return undefined;
    // Nor through a .git linked out of the workspace (a worktree's .git file is not a link).
    containedPath(workspaceRoot, ".git");
    const inRepo = paths.map((path) => relative(top, join(workspaceRoot, path)));
    const identity = await run("git", ["-C", top, "config", "user.email"]).then(
      () => [] as string[],
      () => [...FALLBACK_GIT_IDENTITY],
    );
    await run("git", ["-C", top, "add", "--", ...inRepo]);
    const unchanged = await run("git", ["-C", top, "diff", "--cached", "--quiet", "--", ...inRepo]).then(
      () => true,
      () => false,
    );
    if (unchanged) {
      const last = (
        await run("git", ["-C", top, "log", "-1", "--format=%H%x00%B", "--", ...inRepo]).catch(() => ({ stdout: "" }))
      ).stdout.split("\0");
      return last[1]?.trim() === message ? last[0] : undefined;
    }
    await run("git", ["-C", top, ...identity, "commit", "--quiet", "-m", message, "--", ...inRepo]);
    durableStep("git commit");
    return (await run("git", ["-C", top, "rev-parse", "HEAD"])).stdout.trim();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const text = String((error as { stderr?: string }).stderr ?? (error as Error).message);
    if (/not a git repository/i.test(text)) return undefined;
    throw new Error(`git commit of the canvas failed: ${text.trim()}`, { cause: error });
  }
}
