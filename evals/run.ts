// npm run eval [-- --provider PROVIDER:MODEL] [--set NAME ...] [--record FILE | --replay FILE]
import { parseArgs } from "node:util";
import { COLUMNS, eventRow, runEvals } from "./harness.js";
import { reportTeaching } from "./teachReport.js";

const { values } = parseArgs({
  options: {
    provider: { type: "string" },
    model: { type: "string" },
    set: { type: "string", multiple: true },
    record: { type: "string" },
    replay: { type: "string" },
    events: { type: "boolean" },
    teach: { type: "boolean" },
    "accept-rules": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(`npm run eval -- [--provider offline|anthropic:MODEL|openai:MODEL] [--set NAME ...] [--events] [--record FILE | --replay FILE | --teach [--accept-rules]]

Scores a provider's drafts of every eval set: the sample company (dev) and each company under
evals/companies/ (test). Per stage: the thread type (classify), the assumptions tested and their
direction (hypothesis), the verdict (decision) and whether the decision waits for a person
(implication). --events also lists each event; --record keeps the model's answers in FILE;
--replay scores the answers kept in FILE again, offline. --teach replays each set in order, giving each
event's expectation as a person's correction after it is drafted, and reports the first half cold,
the second half cold and the second half taught (what the workspace learned from the first);
with --accept-rules the person also accepts each rule proposed after a correction when every
earlier event it holds for reads its way, and rejects it otherwise.`);
  process.exit(0);
}
if (values.teach) {
  if (values.record || values.replay) {
    console.error("--teach drafts with the provider itself: it goes with neither --record nor --replay");
    process.exit(2);
  }
  await reportTeaching(values);
  process.exit(0);
}
if (values.record && values.replay) {
  console.error("--record and --replay exclude each other");
  process.exit(2);
}
const reports = await runEvals({
  ...(values.provider ? { provider: values.provider } : {}),
  ...(values.model ? { model: values.model } : {}),
  ...(values.set ? { sets: values.set } : {}),
  ...(values.record ? { record: values.record } : {}),
  ...(values.replay ? { replay: values.replay } : {}),
});
const percent = (value: number): string => `${Math.round(value * 100)}%`;
if (values.events) {
  for (const report of reports) {
    console.log(`\n${report.set} (${report.role})`);
    console.table(report.events.map(eventRow));
  }
}
console.log(`\nEval of ${reports[0]?.provider ?? "?"}${values.replay ? ` (replayed from ${values.replay})` : ""}`);
console.table(
  reports.map((report) => ({
    set: report.set,
    role: report.role,
    events: report.events.length,
    ...Object.fromEntries([...COLUMNS, "overall" as const].map((column) => [column, percent(report.scores[column])])),
  })),
);
if (values.record) console.log(`answers kept in ${values.record}`);
