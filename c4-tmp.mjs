import { readFileSync } from "node:fs";
import matter from "gray-matter";
import { readReport } from "./dist/llm/offline/reading.js";
import { offlineRules, countCues, detectKind } from "./dist/llm/offline/rules.js";
for (const f of process.argv.slice(2)) {
const r = readReport(matter(readFileSync(f,"utf8")).content);
console.log("==", f.split("/").pop(), "| kind:", detectKind(r).kind, "| first:", r.firstLine.slice(0,90));
for (const k of offlineRules().kinds) { const hits = k.cues.filter(c => countCues(r.text, [c])>0); if (hits.length) console.log("    ", k.kind, hits.map(c=>c+":"+countCues(r.text,[c])+"/"+countCues(r.firstLine,[c])).join(" ")); }
}
