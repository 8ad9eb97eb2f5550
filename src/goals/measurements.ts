import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { FileProblem, describeZodIssues } from "../errors.js";
import { cachedYamlFile } from "../files/cachedReads.js";
import { calendarDate, quickCheck, quickOrZod } from "../files/quickCheck.js";
import { readText } from "../files/readText.js";
import { validateMeasurementRows } from "../validators/read.generated.js";
import type { MeasurementRow } from "./measurementRow.js";

// The measurement rows of ops/metrics/*.yaml (measurementRow.ts), with the file each came from. The
// campaign rows beside them are read by actions/metricsSource.ts.

export interface Measurement extends MeasurementRow {
  /** Where it was read: ops/metrics/2026-12.yaml. */
  file: string;
}

export const METRICS_DIR = join("ops", "metrics");

/** A row of a metrics file is a measurement when it names a metric; the rest are campaign rows. */
export const isMeasurementRow = (row: unknown): boolean =>
  typeof row === "object" && row !== null && !Array.isArray(row) && "metric" in row;

/** The YAML files of ops/metrics/, in name order, as paths relative to the workspace. */
export async function metricsFiles(root: string): Promise<string[]> {
  const dir = join(root, METRICS_DIR);
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((name) => join(METRICS_DIR, name));
}

/** The rows of one metrics file as parsed (a list; an empty file has none), or a refusal naming it. */
export async function metricsFileRows(root: string, path: string): Promise<unknown[]> {
  const data = (await cachedYamlFile(path, await readText(root, path))) ?? [];
  if (!Array.isArray(data))
    throw new FileProblem(
      path,
      'expected a list of rows such as "- { date: 2026-11-20, piece: my-campaign/case-study, sessions: 420 }" (a campaign\'s figures) or "- { date: 2026-12-01, metric: MRR, value: 4200 }" (a measurement)',
    );
  return data;
}

/** Every measurement row of the workspace's metrics files. */
export async function readMeasurements(root: string): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const path of await metricsFiles(root)) {
    const rows = (await metricsFileRows(root, path)).filter(isMeasurementRow);
    const checked = await quickOrZod(
      quickCheck<MeasurementRow[]>(rows, validateMeasurementRows, (list) =>
        list.every((row) => calendarDate(row.date)),
      ),
      rows,
      async () => (await import("./measurementRow.js")).MeasurementRows,
    );
    if (!checked.success)
      throw new FileProblem(
        path,
        `a measurement row is "- { date: 2026-12-01, metric: MRR, value: 4200, currency: EUR }": ${describeZodIssues(checked.error.issues)}`,
      );
    measurements.push(...checked.data.map((row) => ({ ...row, file: path })));
  }
  return measurements;
}
