import { FileProblem, describeZodIssues } from "../errors.js";
import { quickCheck, quickOrZod } from "../files/quickCheck.js";
import { validateMetricsRows } from "../validators/read.generated.js";
import type { MetricsRow } from "./metricsRow.js";
import { isMeasurementRow, metricsFileRows, metricsFiles } from "../goals/measurements.js";
import type { MissingInput } from "./missingInput.js";

// ops/metrics/*.yaml: rows of numbers by piece and date, typed in by hand or written by a script.
//   - { date: 2026-11-20, piece: elsaai-deal-closed/case-study, channel: blog, sessions: 420, demos: 4, conversions: 1 }

export type { MetricsRow } from "./metricsRow.js";

export interface CampaignMetrics {
  from: string;
  to: string;
  sessions: number;
  demos: number;
  conversions: number;
  conversion_rate: string;
  rows: MetricsRow[];
  has_data: boolean;
}

/** The campaign rows of ops/metrics/*.yaml (measurement rows, which name a metric, are goals/measurements.ts's). */
export async function readMetricsRows(workspaceRoot: string): Promise<MetricsRow[]> {
  const rows: MetricsRow[] = [];
  for (const path of await metricsFiles(workspaceRoot)) {
    const data = (await metricsFileRows(workspaceRoot, path)).filter((row) => !isMeasurementRow(row));
    // Checked by the validator generated from the schema; zod (loaded then) settles the rest and names what is wrong.
    const list = await quickOrZod(
      quickCheck<MetricsRow[]>(data, validateMetricsRows),
      data,
      async () => (await import("./metricsRow.js")).MetricsRows,
    );
    if (!list.success)
      throw new FileProblem(
        path,
        `expected a list of rows such as "- { date: 2026-11-20, piece: my-campaign/case-study, sessions: 420 }": ${describeZodIssues(list.error.issues)}`,
      );
    rows.push(...list.data);
  }
  return rows;
}

/**
 * Figures to measure against: a workspace that keeps none at all cannot measure anything, so a
 * measure waits for a person rather than record an empty measurement. (A campaign with no row of
 * its own, where rows are kept, is a measured nothing: its record says so.)
 */
export function metricsMissing(rows: readonly MetricsRow[], campaign: string): MissingInput | undefined {
  if (rows.length > 0) return undefined;
  return {
    reason: "no figures to measure: ops/metrics/ holds no rows",
    add: `add the campaign's figures to ops/metrics/*.yaml, one row per piece and date such as "- { date: 2026-11-20, piece: ${campaign}/case-study, channel: blog, sessions: 420, demos: 4, conversions: 1 }", and accept to measure again`,
  };
}

/** The rows of one campaign (pieces named `{campaign}` or `{campaign}/...`) between two dates. */
export function campaignMetrics(
  rows: readonly MetricsRow[],
  campaign: string,
  from: string,
  to: string,
): CampaignMetrics {
  const mine = rows
    .filter(
      (row) => (row.piece === campaign || row.piece.startsWith(`${campaign}/`)) && row.date >= from && row.date <= to,
    )
    .sort((a, b) => a.date.localeCompare(b.date) || a.piece.localeCompare(b.piece));
  const sum = (key: "sessions" | "demos" | "conversions") => mine.reduce((total, row) => total + row[key], 0);
  const sessions = sum("sessions");
  const demos = sum("demos");
  return {
    from,
    to,
    sessions,
    demos,
    conversions: sum("conversions"),
    conversion_rate: sessions > 0 ? `${((demos / sessions) * 100).toFixed(2)}%` : "n/a",
    rows: mine,
    has_data: mine.length > 0,
  };
}
