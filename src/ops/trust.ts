import type { AuditLog } from "../audit/log.js";
import { standings, type AutonomyMode, type TrustBar, type TrustStanding } from "../core/autonomy.js";
import type { ThreadTypes } from "../core/threadTypes.js";

// `leanos trust`, the web inbox's panel and their --json: per thread type, how many decisions people
// answered, how many of the latest they accepted unchanged, and whether its decisions under the
// impact threshold act alone, from the audit log's judgements.

export interface TrustReport {
  mode: AutonomyMode;
  bar: TrustBar;
  threshold: number;
  floor: number;
  types: Array<TrustStanding & { acts_alone: boolean; says: string }>;
}

/** What a type's decisions under the threshold do in this mode, in words. */
function sayOf(mode: AutonomyMode, standing: TrustStanding): { acts_alone: boolean; says: string } {
  if (mode === "supervised") return { acts_alone: false, says: "every decision waits (autonomy: supervised)" };
  if (mode === "threshold")
    return { acts_alone: true, says: "acts alone under the impact threshold (autonomy: threshold)" };
  return standing.earned
    ? { acts_alone: true, says: "earned: acts alone under the impact threshold" }
    : { acts_alone: false, says: `waits; needs ${standing.needs}` };
}

export async function trustReport(
  audit: AuditLog,
  config: { autonomy: AutonomyMode; trust: TrustBar; approval_threshold: number; confidence_floor: number },
  /** The workspace's thread types (Workspace.threadTypes): each gets its row. */
  types: ThreadTypes,
): Promise<TrustReport> {
  const judgements = (await audit.readKind("reading-judged")).map((entry) => ({
    type: entry.type,
    judged: entry.judged,
    at: entry.at,
  }));
  return {
    mode: config.autonomy,
    bar: config.trust,
    threshold: config.approval_threshold,
    floor: config.confidence_floor,
    types: standings(judgements, config.trust, types).map((standing) => ({
      ...standing,
      ...sayOf(config.autonomy, standing),
    })),
  };
}

const percent = (value: number | null): string => (value === null ? "-" : `${Math.round(value * 100)}%`);

export function formatTrust(report: TrustReport): string {
  const { bar } = report;
  const rows = report.types.map((type) => [
    type.type,
    String(type.answered),
    `${type.agreed_recent}/${type.window} (${percent(type.agreement)})`,
    type.says,
  ]);
  const header = ["type", "answered", "agreed (latest)", "decisions under the threshold"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ");
  return [
    `Autonomy: ${report.mode}. Decisions at or over impact ${report.threshold}, or drafted with a confidence under ${report.floor}, always wait.`,
    report.mode === "earned"
      ? `A type acts alone after ${bar.answered} answered decisions with ${Math.round(bar.agreement * 100)}% of its latest ${bar.window} accepted unchanged, and ${bar.again_after} in a row after a correction.`
      : "",
    "",
    line(header),
    ...rows.map(line),
  ]
    .filter((text, index) => text.length > 0 || index === 2)
    .join("\n");
}
