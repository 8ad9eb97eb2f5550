import { evalSets } from "./sets.js";
import { COLUMNS, eventRow, type Scores } from "./harness.js";
import { teachSet, type TeachReport } from "./teach.js";

// The printed report of `npm run eval -- --teach`: per set, the first half cold, the second half cold
// and the second half taught, per column, with the reading's overall (type, assumption, direction,
// verdict: what a correction teaches; the gate follows the impact score, which no correction sets).

const READING = ["type", "assumption", "direction", "verdict"] as const;

/** The mean of the reading's four columns. */
export const readingScore = (scores: Scores): number =>
  Math.round((READING.reduce((sum, column) => sum + scores[column], 0) / READING.length) * 100) / 100;

const percent = (value: number): string => `${Math.round(value * 100)}%`;

const row = (report: TeachReport, half: string, scores: Scores) => ({
  set: report.set,
  role: report.role,
  half,
  ...Object.fromEntries(COLUMNS.map((column) => [column, percent(scores[column])])),
  reading: percent(readingScore(scores)),
});

export async function reportTeaching(options: {
  provider?: string | undefined;
  model?: string | undefined;
  set?: string[] | undefined;
  events?: boolean | undefined;
  "accept-rules"?: boolean | undefined;
}): Promise<TeachReport[]> {
  const choice = {
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.model ? { model: options.model } : {}),
  };
  const sets = (await evalSets()).filter((set) => !options.set || options.set.includes(set.name));
  const reports: TeachReport[] = [];
  for (const set of sets) {
    process.stderr.write(`teaching ${set.name}...\n`);
    reports.push(await teachSet(set, choice, { acceptRules: options["accept-rules"] === true }));
  }
  if (options.events) {
    for (const report of reports) {
      console.log(`\n${report.set} (${report.role}), drafted while teaching`);
      console.table(
        report.events.map((event) => ({
          ...eventRow(event),
          taught: event.taught,
          learned: event.learned.join(" ").slice(0, 80),
        })),
      );
      for (const rule of report.rules) console.log(`  rule ${rule.accepted ? "accepted" : "rejected"}: ${rule.says}`);
    }
  }
  console.log(
    `\nTeaching: each event's expectation given as a person's correction after it is drafted${options["accept-rules"] ? "; rules proposed after it accepted when every earlier event they hold for reads their way" : ""}`,
  );
  console.table(
    reports.flatMap((report) => [
      row(report, "1st cold", report.cold),
      row(report, "2nd cold", report.secondCold),
      row(report, "2nd taught", report.taught),
    ]),
  );
  return reports;
}
