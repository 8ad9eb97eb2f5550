import { appendFile, cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { readEvent } from "../src/stages/readEvent.js";
import type { StageDrafter } from "../src/stages/drafter.js";
import { selectDrafter } from "../src/llm/select.js";
import { Runtime } from "../src/runtime/engine.js";
import {
  BuiltInThreadType,
  Direction,
  Verdict,
  type DecisionOutput,
  type HypothesisOutput,
  type ImplicationOutput,
  type InputOutput,
} from "../src/core/stageSchemas.js";
import type { ThreadMeta } from "../src/core/threadMeta.js";
import type { ThreadResult } from "../src/runtime/engine.js";
import { RecordingDrafter, ReplayDrafter } from "./recording.js";
import { evalSets, type EvalSet } from "./sets.js";

// Scores a provider's drafts of each eval set's events against the set's expectations: the sample
// company is the dev set, the companies under evals/companies/ the test set (evals/README.md). The
// offline drafter is the baseline a real model must beat.

export const Expectations = z.object({
  events: z.array(
    z.object({
      file: z.string(),
      type: BuiltInThreadType,
      tests: z.array(z.object({ id: z.string(), direction: Direction })).min(1),
      verdict: Verdict,
      gate: z.boolean(),
    }),
  ),
});

export interface EventScore {
  file: string;
  type: boolean;
  /** One of the expected assumptions is tested, in any direction. */
  assumption: boolean;
  /** One of the expected assumptions is tested in its expected direction. */
  direction: boolean;
  verdict: boolean;
  gate: boolean;
  drafted: { type: string; tests: string; verdict: string; gate: boolean };
}

export const COLUMNS = ["type", "assumption", "direction", "verdict", "gate"] as const;
export type Scores = Record<(typeof COLUMNS)[number] | "overall", number>;

export interface EvalReport {
  set: string;
  role: EvalSet["role"];
  provider: string;
  events: EventScore[];
  scores: Scores;
}

export interface EvalOptions {
  /** `offline`, `anthropic:MODEL`, `openai:MODEL` (default: as a workspace would choose). */
  provider?: string;
  model?: string;
  /** Keep the model's answers in this file. */
  record?: string;
  /** Score the answers kept in this file instead of asking a model. */
  replay?: string;
  /** Only these sets (by name); default: every set. */
  sets?: string[];
}

const share = (values: boolean[]): number => Math.round((values.filter(Boolean).length / values.length) * 100) / 100;

export function scoresOf(events: EventScore[]): Scores {
  const scores = Object.fromEntries(
    COLUMNS.map((column) => [column, share(events.map((event) => event[column]))]),
  ) as Scores;
  scores.overall = Math.round((COLUMNS.reduce((sum, column) => sum + scores[column], 0) / COLUMNS.length) * 100) / 100;
  return scores;
}

export type Expected = z.infer<typeof Expectations>["events"][number];

/** A copy of the set's workspace to draft in (its threads, database and audit log left behind), in the given autonomy mode. */
export async function workspaceCopy(set: EvalSet, autonomy: "threshold" | "supervised"): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), "leanos-eval-"));
  await cp(set.workspace, workspace, {
    recursive: true,
    filter: (path) => !/[\\/](threads|[^\\/]*\.sqlite[^\\/]*|audit\.jsonl)$/.test(path.slice(set.workspace.length)),
  });
  await mkdir(join(workspace, ".leanos"), { recursive: true });
  await appendFile(join(workspace, ".leanos", "config.yaml"), `\nautonomy: ${autonomy}\n`);
  return workspace;
}

export const expectationsOf = async (set: EvalSet): Promise<Expected[]> =>
  Expectations.parse(parseYaml(await readFile(set.expected, "utf8"))).events;

/** What was drafted of one event: its thread, and the outputs the columns score. */
export interface Drafted {
  result: ThreadResult;
  meta: ThreadMeta;
  input: InputOutput;
  hypothesis: HypothesisOutput;
  implication: ImplicationOutput;
  decision: DecisionOutput;
}

export async function draftEvent(runtime: Runtime, set: EvalSet, expected: Expected): Promise<Drafted> {
  const result = await runtime.startEvent(
    await readEvent({ file: join(set.events, expected.file), today: "2026-11-25" }),
  );
  const read = async <T>(file: string): Promise<T> =>
    matter(await readFile(join(result.dir, file), "utf8"), {}).data.output as T;
  const meta = (await runtime.resolve(result.thread)).meta;
  return {
    result,
    meta,
    input: await read("1-input.md"),
    hypothesis: await read("2-hypothesis.md"),
    implication: await read("3-implication.md"),
    decision: await read("4-decision.md"),
  };
}

/** Scores a draft against its expectation; `gated` is whether its decision waits under LeanOS's impact rule. */
export function scoreOf(drafted: Drafted, expected: Expected, gated: boolean): EventScore {
  const { meta, hypothesis, decision } = drafted;
  const tested = (test: { id: string; direction?: string }) =>
    hypothesis.tests.some(
      (draft) => draft.assumption_id === test.id && (!test.direction || draft.direction === test.direction),
    );
  return {
    file: expected.file,
    type: meta.type === expected.type,
    assumption: expected.tests.some((test) => tested({ id: test.id })),
    direction: expected.tests.some(tested),
    verdict: decision.verdict === expected.verdict,
    gate: gated === expected.gate,
    drafted: {
      type: meta.type,
      tests: hypothesis.tests.map((test) => `${test.assumption_id} ${test.direction}`).join(", "),
      verdict: decision.verdict,
      gate: gated,
    },
  };
}

/** One event's line of a report: "ok" where it scores, else what was drafted. */
export const eventRow = (event: EventScore) => ({
  event: event.file,
  type: event.type ? "ok" : `no (${event.drafted.type})`,
  assumption: event.direction
    ? "ok"
    : event.assumption
      ? `direction (${event.drafted.tests})`
      : `no (${event.drafted.tests})`,
  verdict: event.verdict ? "ok" : `no (${event.drafted.verdict})`,
  gate: event.gate ? "ok" : `no (${event.drafted.gate ? "gated" : "not gated"})`,
});

/** Drafts every event of one set in a copy of its workspace and scores it. */
export async function scoreSet(
  set: EvalSet,
  choice: { provider?: string; model?: string },
  drafter: StageDrafter | undefined,
): Promise<EvalReport> {
  const expectations = await expectationsOf(set);
  // The gate column measures LeanOS's impact rule (and the confidence floor), not the trust a workspace earns.
  const workspace = await workspaceCopy(set, "threshold");
  const runtime = await Runtime.open({ workspace, ...choice, ...(drafter ? { drafter } : {}) });
  const events: EventScore[] = [];
  let provider = "";
  try {
    for (const expected of expectations) {
      const drafted = await draftEvent(runtime, set, expected);
      provider = `${drafted.meta.provider}:${drafted.meta.model}`;
      events.push(
        scoreOf(
          drafted,
          expected,
          drafted.result.pending.some((item) => item.stage === "decision"),
        ),
      );
    }
  } finally {
    await runtime.close();
    await rm(workspace, { recursive: true, force: true });
  }
  return { set: set.name, role: set.role, provider, events, scores: scoresOf(events) };
}

/** Scores every set (or those named); a recording covers all of them. */
export async function runEvals(options: EvalOptions = {}): Promise<EvalReport[]> {
  const sets = (await evalSets()).filter((set) => !options.sets || options.sets.includes(set.name));
  const choice = {
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.model ? { model: options.model } : {}),
  };
  const recorder = options.record ? new RecordingDrafter(await selectDrafter(choice)) : undefined;
  const drafter = options.replay ? await ReplayDrafter.load(options.replay) : recorder;
  const reports: EvalReport[] = [];
  for (const set of sets) reports.push(await scoreSet(set, choice, drafter));
  if (recorder && options.record) await recorder.save(options.record);
  return reports;
}
