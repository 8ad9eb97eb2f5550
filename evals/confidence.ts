// npx tsx evals/confidence.ts [--set NAME ...] [--floor 0.5] [--events]
//
// Does the offline drafter know when it is guessing? Drafts every event of the eval sets offline (the
// harness's own run, evals/harness.ts), takes each event's confidence (the least of its input,
// hypothesis, implication and decision stages'; the decision inherits the others', so it is the
// decision's own), and sets it against what the harness scores: an event is read wrong when its
// thread type, the assumption it tests, that test's direction or the verdict is not the expected one
// (the gate column is left out: a low confidence itself makes the decision wait). Per set: how many
// events fall under the floor, and how well that predicts a wrong reading.
//
// The dev sets may be used to choose the weights in prompts/offline/confidence.yaml; the test
// companies (evals/companies/) only measure them (evals/README.md). --events lists each event of the
// sets chosen with its score and reasons: use it on dev sets.
import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { readEvent } from "../src/stages/readEvent.js";
import { confidenceRules } from "../src/llm/offline/confidence.js";
import { stageOutputSchemas, type DraftConfidence, type OutputSchemaName } from "../src/core/stageSchemas.js";
import { Expectations, runEvals, type EventScore } from "./harness.js";
import { Recording } from "./recording.js";
import { evalSets } from "./sets.js";

const { values } = parseArgs({
  options: {
    set: { type: "string", multiple: true },
    floor: { type: "string", default: "0.5" },
    events: { type: "boolean" },
  },
});
const floor = Number(values.floor);
const STAGES = ["input", "hypothesis", "implication", "decision"] as const;

/** The weak spot a reason names, by the fixed words its template starts with (prompts/offline/confidence.yaml). */
function spotOf(reason: string): string {
  const rules = confidenceRules();
  const templates: Array<[string, string]> = [
    ["no amount", rules.no_amount.reason],
    ["foreign money", rules.foreign_money.reason],
    ["not English", rules.not_english.reason],
    ["close kinds", rules.close_kinds.reason],
    ["one cue", rules.close_kinds.one_cue],
    ["no cue", rules.close_kinds.no_cue],
    ["contradiction", rules.contradiction.reason],
    ["weak match", rules.weak_match.reason],
    ["no match", rules.weak_match.none],
    ["no match", rules.weak_match.only_new],
    ["close assumptions", rules.close_assumptions.reason],
  ];
  return templates.find(([, template]) => reason.startsWith(template.split("{{")[0]!))?.[0] ?? "other";
}

interface Judged {
  set: string;
  role: string;
  file: string;
  score: EventScore;
  wrong: boolean;
  confidence: DraftConfidence;
  /** Stage drafts that did not pass their schema (should be none). */
  invalid: string[];
}

const sets = (await evalSets()).filter((set) => !values.set || values.set.includes(set.name));
const file = join(tmpdir(), `leanos-confidence-${process.pid}.json`);
const reports = await runEvals({ provider: "offline", sets: sets.map((set) => set.name), record: file });
const recording = Recording.parse(JSON.parse(await readFile(file, "utf8")));
await rm(file, { force: true });
const answers = new Map<string, Recording["answers"]>();
for (const answer of recording.answers) answers.set(answer.event, [...(answers.get(answer.event) ?? []), answer]);

const judged: Judged[] = [];
for (const set of sets) {
  const report = reports.find((candidate) => candidate.set === set.name)!;
  const expected = Expectations.parse(parseYaml(await readFile(set.expected, "utf8")));
  for (const [index, score] of report.events.entries()) {
    const event = await readEvent({ file: join(set.events, expected.events[index]!.file), today: "2026-11-25" });
    const key = createHash("sha256").update(event.text).digest("hex").slice(0, 16);
    const drafted = answers.get(key) ?? [];
    const invalid = drafted
      .filter(
        (answer) =>
          answer.call in stageOutputSchemas &&
          !stageOutputSchemas[answer.call as OutputSchemaName].safeParse(answer.output).success,
      )
      .map((answer) => answer.call);
    const confidences = STAGES.map(
      (stage) =>
        (drafted.find((answer) => answer.call === stage)?.output as { confidence?: DraftConfidence } | undefined)
          ?.confidence,
    );
    const known = confidences.filter((confidence): confidence is DraftConfidence => confidence !== undefined);
    const confidence =
      known.length > 0
        ? {
            score: Math.min(...known.map((entry) => entry.score)),
            reasons: [...new Set(known.flatMap((entry) => entry.reasons))],
          }
        : { score: 1, reasons: ["(no confidence drafted)"] };
    judged.push({
      set: set.name,
      role: set.role,
      file: score.file,
      score,
      wrong: !(score.type && score.assumption && score.direction && score.verdict),
      confidence,
      invalid,
    });
  }
}

const percent = (part: number, whole: number): string => (whole === 0 ? "-" : `${Math.round((part / whole) * 100)}%`);
/** The chance that a wrong event scores lower than a right one (ties count half): 0.5 is no better than a coin. */
function auc(events: Judged[]): string {
  const wrong = events.filter((event) => event.wrong);
  const right = events.filter((event) => !event.wrong);
  if (wrong.length === 0 || right.length === 0) return "-";
  let sum = 0;
  for (const bad of wrong)
    for (const good of right)
      sum +=
        bad.confidence.score < good.confidence.score ? 1 : bad.confidence.score === good.confidence.score ? 0.5 : 0;
  return (sum / (wrong.length * right.length)).toFixed(2);
}

function row(name: string, role: string, events: Judged[]): Record<string, string | number> {
  const low = events.filter((event) => event.confidence.score < floor);
  const high = events.filter((event) => event.confidence.score >= floor);
  const wrong = events.filter((event) => event.wrong);
  return {
    set: name,
    role,
    events: events.length,
    [`under ${floor}`]: low.length,
    wrong: wrong.length,
    "wrong when under": `${low.filter((event) => event.wrong).length}/${low.length} (${percent(low.filter((event) => event.wrong).length, low.length)})`,
    "wrong when over": `${high.filter((event) => event.wrong).length}/${high.length} (${percent(high.filter((event) => event.wrong).length, high.length)})`,
    "wrong caught": `${low.filter((event) => event.wrong).length}/${wrong.length} (${percent(low.filter((event) => event.wrong).length, wrong.length)})`,
    "mean score right/wrong": `${mean(events.filter((event) => !event.wrong))} / ${mean(wrong)}`,
    AUC: auc(events),
    "invalid drafts": events.reduce((sum, event) => sum + event.invalid.length, 0),
  };
}
const mean = (events: Judged[]): string =>
  events.length === 0
    ? "-"
    : (events.reduce((sum, event) => sum + event.confidence.score, 0) / events.length).toFixed(2);

if (values.events) {
  for (const set of sets) {
    console.log(`\n${set.name} (${set.role})`);
    console.table(
      judged
        .filter((event) => event.set === set.name)
        .map((event) => ({
          event: event.file,
          read: event.wrong
            ? ["type", "assumption", "direction", "verdict"]
                .filter((column) => !event.score[column as "type"])
                .join(",")
            : "ok",
          score: event.confidence.score,
          reasons: event.confidence.reasons.join(" | "),
        })),
    );
  }
}

console.log(`\nConfidence of the offline drafter against its wrong readings (floor ${floor})`);
const roles = [...new Set(judged.map((event) => event.role))];
console.table([
  ...sets.map((set) =>
    row(
      set.name,
      set.role,
      judged.filter((event) => event.set === set.name),
    ),
  ),
  ...roles.map((role) =>
    row(
      `all ${role}`,
      role,
      judged.filter((event) => event.role === role),
    ),
  ),
]);

// Other floors, to show how the score ranks events beyond the one floor: per role, how many events
// fall under each, and how many of those were read wrong.
console.log("\nEvents under other floors (read wrong among them), per role");
console.table(
  [0.5, 0.6, 0.7, 0.8].map((level) =>
    Object.fromEntries([
      ["floor", level],
      ...roles.map((role) => {
        const under = judged.filter((event) => event.role === role && event.confidence.score < level);
        return [
          role,
          `${under.filter((event) => event.wrong).length}/${under.length} of ${judged.filter((event) => event.role === role).length}`,
        ];
      }),
    ]),
  ),
);

// Each weak spot: how often it was found, and how often its events were read wrong.
const spots = new Map<string, Judged[]>();
for (const event of judged)
  for (const spot of new Set(event.confidence.reasons.map(spotOf)))
    spots.set(spot, [...(spots.get(spot) ?? []), event]);
console.log("\nWeak spots found (events read wrong among them), per role");
console.table(
  [...spots.entries()].map(([spot, events]) =>
    Object.fromEntries([
      ["weak spot", spot],
      ...roles.map((role) => {
        const found = events.filter((event) => event.role === role);
        return [role, `${found.filter((event) => event.wrong).length}/${found.length}`];
      }),
    ]),
  ),
);
