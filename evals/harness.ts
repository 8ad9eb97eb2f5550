import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { readEvent } from "../src/cli/readEvent.js";
import { toolPath } from "../src/files/toolRoot.js";
import { selectDrafter } from "../src/llm/select.js";
import { Runtime } from "../src/runtime/engine.js";
import { RecordingDrafter, ReplayDrafter } from "./recording.js";
import { Direction, ThreadType, Verdict, type DecisionOutput, type HypothesisOutput } from "../src/stages/schemas.js";

// Scores a provider's drafts of the sample events against evals/dataset.yaml. The offline drafter is
// the baseline a real model must beat.

export const Dataset = z.object({
  events: z.array(
    z.object({
      file: z.string(),
      type: ThreadType,
      tests: z.array(z.object({ id: z.string(), direction: Direction })).min(1),
      verdict: Verdict,
      gate: z.boolean(),
    }),
  ),
});

export interface EventScore {
  file: string;
  type: boolean;
  assumption: boolean;
  verdict: boolean;
  gate: boolean;
  drafted: { type: string; tests: string; verdict: string; gate: boolean };
}

export interface EvalReport {
  provider: string;
  events: EventScore[];
  scores: { type: number; assumption: number; verdict: number; gate: number; overall: number };
}

const share = (values: boolean[]): number => Math.round((values.filter(Boolean).length / values.length) * 100) / 100;

export interface EvalOptions {
  /** `offline`, `anthropic:MODEL`, `openai:MODEL` (default: as a workspace would choose). */
  provider?: string;
  model?: string;
  /** Keep the model's answers in this file. */
  record?: string;
  /** Score the answers kept in this file instead of asking a model. */
  replay?: string;
}

export async function runEval(options: EvalOptions = {}): Promise<EvalReport> {
  const dataset = Dataset.parse(parseYaml(await readFile(toolPath("evals", "dataset.yaml"), "utf8")));
  const workspace = await mkdtemp(join(tmpdir(), "leanos-eval-"));
  const sample = toolPath("examples", "workspace");
  await cp(sample, workspace, { recursive: true, filter: (path) => !/[\\/](threads|[^\\/]*\.sqlite[^\\/]*|audit\.jsonl)$/.test(path.slice(sample.length)) });
  const choice = { ...(options.provider ? { provider: options.provider } : {}), ...(options.model ? { model: options.model } : {}) };
  const recorder = options.record ? new RecordingDrafter(await selectDrafter(choice)) : undefined;
  const drafter = options.replay ? await ReplayDrafter.load(options.replay) : recorder;
  const runtime = await Runtime.open({ workspace, ...choice, ...(drafter ? { drafter } : {}) });
  const events: EventScore[] = [];
  let provider = "";
  try {
    for (const expected of dataset.events) {
      const result = await runtime.startEvent(await readEvent({ file: join(workspace, "events", expected.file), today: "2026-11-25" }));
      const read = async <T>(file: string): Promise<T> => matter(await readFile(join(result.dir, file), "utf8"), {}).data.output as T;
      const meta = (await runtime.resolve(result.thread)).meta;
      provider = `${meta.provider}:${meta.model}`;
      const hypothesis = await read<HypothesisOutput>("2-hypothesis.md");
      const decision = await read<DecisionOutput>("4-decision.md");
      const gated = result.pending.some((item) => item.stage === "decision");
      events.push({
        file: expected.file,
        type: meta.type === expected.type,
        assumption: expected.tests.some((test) => hypothesis.tests.some((drafted) => drafted.assumption_id === test.id && drafted.direction === test.direction)),
        verdict: decision.verdict === expected.verdict,
        gate: gated === expected.gate,
        drafted: { type: meta.type, tests: hypothesis.tests.map((test) => `${test.assumption_id} ${test.direction}`).join(", "), verdict: decision.verdict, gate: gated },
      });
    }
    if (recorder && options.record) await recorder.save(options.record);
  } finally {
    await runtime.close();
    await rm(workspace, { recursive: true, force: true });
  }
  const scores = {
    type: share(events.map((event) => event.type)),
    assumption: share(events.map((event) => event.assumption)),
    verdict: share(events.map((event) => event.verdict)),
    gate: share(events.map((event) => event.gate)),
    overall: 0,
  };
  scores.overall = Math.round(((scores.type + scores.assumption + scores.verdict + scores.gate) / 4) * 100) / 100;
  return { provider, events, scores };
}
