// npm run eval [-- --provider PROVIDER:MODEL] [--record FILE | --replay FILE]
import { parseArgs } from "node:util";
import { runEval } from "./harness.js";

const { values } = parseArgs({
  options: { provider: { type: "string" }, model: { type: "string" }, record: { type: "string" }, replay: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (values.help) {
  console.log(`npm run eval -- [--provider offline|anthropic:MODEL|openai:MODEL] [--record FILE | --replay FILE]

Scores a provider's drafts of the sample events, per stage: the thread type (classify), the
assumptions tested and their direction (hypothesis), the verdict (decision) and whether the
decision waits for a person (implication). --record keeps the model's answers in FILE; --replay
scores the answers kept in FILE again, offline.`);
  process.exit(0);
}
if (values.record && values.replay) {
  console.error("--record and --replay exclude each other");
  process.exit(2);
}
const report = await runEval({
  ...(values.provider ? { provider: values.provider } : {}),
  ...(values.model ? { model: values.model } : {}),
  ...(values.record ? { record: values.record } : {}),
  ...(values.replay ? { replay: values.replay } : {}),
});
console.log(`Eval of ${report.provider} on ${report.events.length} sample events${values.replay ? ` (replayed from ${values.replay})` : ""}`);
console.table(
  report.events.map((event) => ({
    event: event.file,
    "type (classify)": event.type ? "ok" : `no (${event.drafted.type})`,
    "assumption (hypothesis)": event.assumption ? "ok" : `no (${event.drafted.tests})`,
    "verdict (decision)": event.verdict ? "ok" : `no (${event.drafted.verdict})`,
    "gate (implication)": event.gate ? "ok" : "no",
  })),
);
console.log("scores:", report.scores);
if (values.record) console.log(`answers kept in ${values.record}`);
