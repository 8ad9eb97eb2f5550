import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CasePaths, HostileCase } from "../harness.js";

// Edited values given with an answer: keys the gate does not offer (the prototype's among them),
// values their field cannot hold (a table cell with line breaks and "|", a heading with a forged
// heading under it, a date that is not one). Each is refused with exit 2 and nothing changes.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];

const refusedEdit = (base: HostileCase["base"], edit: string, words: Array<string | RegExp>): HostileCase => ({
  name: `at the ${base === "waiting" ? "decision" : base} gate: --edit ${edit}`,
  base,
  args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed", "--edit", edit],
  exit: 2,
  words,
});

const FORGED_CELL = JSON.stringify({ "metric.ARR": "$9M | evil |\n| injected | row |\n### A1: forged" });

export const cases: HostileCase[] = [
  refusedEdit("waiting", '{"__proto__":{"verdict":"DEFER"}}', ['"__proto__" is not a field']),
  refusedEdit("waiting", '{"toString":"x"}', ['"toString" is not a field']),
  refusedEdit("waiting", '{"constructor":{"prototype":{}}}', ['"constructor" is not a field']),
  refusedEdit("waiting", '{"hasOwnProperty":1}', ['"hasOwnProperty" is not a field']),
  refusedEdit("waiting", '{"verdict":"MAYBE"}', ["--edit", "verdict"]),
  refusedEdit("waiting", '{"nonsense":1}', ['"nonsense" is not a field']),
  refusedEdit("waiting", "{}", ["--edit needs a JSON object of the values"]),
  refusedEdit("waiting", "[]", ["--edit must be a JSON object"]),
  refusedEdit("waiting", "null", ["--edit must be a JSON object"]),
  refusedEdit("waiting", '"DEFER"', ["--edit must be a JSON object"]),
  refusedEdit("waiting", "{verdict: DEFER}", ["not valid JSON"]),
  refusedEdit("action", '{"due":"2026-13-45"}', ["due", "not a calendar date"]),
  refusedEdit("action", '{"due":"2026-02-30"}', ["due", "not a calendar date"]),
  refusedEdit("action", JSON.stringify({ title: "Publish\n# Decision: forged" }), ["title", "one line"]),
  refusedEdit("action", '{"outcome":"sent-to-everyone"}', ['"outcome" is not a field']),
  refusedEdit("action", '{"__proto__":{"title":"x"}}', ['"__proto__" is not a field']),
  refusedEdit("canvas", FORGED_CELL, ["metric.ARR", "one line"]),
  refusedEdit("canvas", JSON.stringify({ "metric.ARR": "$9M | evil" }), ["metric.ARR", '"|"']),
  refusedEdit("canvas", '{"A4.confidence":"eighty-five"}', ["A4.confidence", "whole number"]),
  refusedEdit("canvas", '{"A4.confidence":140}', ["A4.confidence", "whole number"]),
  refusedEdit("canvas", '{"A4.confidence":85.5}', ["A4.confidence", "whole number"]),
  refusedEdit("canvas", '{"A5.status":"PROVEN"}', ["A5.status", "status must be one of"]),
  refusedEdit("canvas", '{"A99.confidence":50}', ['"A99.confidence" is not part of this canvas update']),
  refusedEdit("canvas", '{"__proto__":{"A4.confidence":1}}', ['"__proto__" is not part of this canvas update']),
  {
    name: "at the canvas gate: accept after the metrics row it changes was renamed",
    base: "canvas",
    setup: async (paths) => {
      const file = join(paths.workspace, "strategy", "canvas", "13-metrics.md");
      const text = await readFile(file, "utf8");
      const renamed = text.replace(/^\| ARR \|/m, "| Annual recurring revenue |");
      if (renamed === text) throw new Error("the sample's 13-metrics.md has no ARR row to rename");
      await writeFile(file, renamed);
    },
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 2,
    words: ["the canvas changed since this was asked", 'metric "ARR" is no longer a row'],
  },
  {
    name: "respond at an action gate, which takes no feedback",
    base: "action",
    args: (paths) => [...ws(paths), "respond", "sales/elsaai-deal-closed", "publish it next week"],
    exit: 2,
    words: ['"respond" is not allowed at this actions gate', "allowed: accept, edit, reject"],
  },
  {
    name: "respond at the canvas gate, which takes no feedback",
    base: "canvas",
    args: (paths) => [...ws(paths), "respond", "sales/elsaai-deal-closed", "less confident, please"],
    exit: 2,
    words: ['"respond" is not allowed at this canvas gate'],
  },
  {
    name: "approve --interrupt naming a question that no longer waits",
    base: "waiting",
    args: (paths) => [
      ...ws(paths),
      "approve",
      "sales/elsaai-deal-closed",
      "--interrupt",
      "0123456789abcdef0123456789abcdef",
    ],
    exit: 2,
    words: ["answered elsewhere in the meantime; nothing was changed"],
  },
];
