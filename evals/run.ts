// npm run eval [-- --provider anthropic --model claude-sonnet-4-5]
import { parseArgs } from "node:util";
import { runEval } from "./harness.js";

const { values } = parseArgs({ options: { provider: { type: "string" }, model: { type: "string" } } });
const report = await runEval({ ...(values.provider ? { provider: values.provider } : {}), ...(values.model ? { model: values.model } : {}) });
console.log(`Eval of ${report.provider} on ${report.events.length} sample events`);
console.table(report.events.map((event) => ({ event: event.file, type: event.type ? "ok" : `no (${event.drafted.type})`, assumption: event.assumption ? "ok" : `no (${event.drafted.tests})`, verdict: event.verdict ? "ok" : `no (${event.drafted.verdict})`, gate: event.gate ? "ok" : "no" })));
console.log("scores:", report.scores);
