import { RuntimeFailure, describeZodIssues } from "../errors.js";
import type { FollowingCalls, ModelUsage, StageDrafter } from "./drafter.js";
import type { StageContext } from "./context.js";
import type { StageOutputs } from "../core/stageSchemas.js";
import { enforcePolicy, schemaFor } from "./validate.js";
import { withPins } from "./pins.js";

export const MAX_REPAIRS = 2;

export interface DraftedStage {
  output: StageOutputs[keyof StageOutputs];
  usage: ModelUsage[];
  attempts: number;
}

/**
 * Asks the drafter for a stage's output and validates it; an invalid answer is sent back with the
 * problems (up to MAX_REPAIRS times) before the stage fails with a clear message. `following` says
 * which later calls of this process share the request's prefix (for the prompt cache).
 */
export async function draftStage(
  drafter: StageDrafter,
  context: StageContext,
  following: FollowingCalls = "none",
): Promise<DraftedStage> {
  const schemaName = context.skill.stage.output;
  const schema = schemaFor(schemaName, context);
  const usage: ModelUsage[] = [];
  let repair: { previous: unknown; problems: string } | undefined;
  for (let attempt = 1; attempt <= MAX_REPAIRS + 1; attempt += 1) {
    const started = Date.now();
    const answer = await drafter.draft({ context, schemaName, schema, following, ...(repair ? { repair } : {}) });
    // A drafter without token counts (offline) is still a call, with its time.
    usage.push(
      answer.usage ?? {
        input_tokens: 0,
        output_tokens: 0,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        latency_ms: Date.now() - started,
      },
    );
    const parsed = answer.problem === undefined ? schema.safeParse(answer.output) : undefined;
    if (parsed?.success) {
      const pinned = withPins(schemaName, parsed.data, context.pins, context.canvas) as StageOutputs[typeof schemaName];
      const output = enforcePolicy(schemaName, pinned, context);
      return { output, usage, attempts: attempt };
    }
    repair = { previous: answer.output, problems: answer.problem ?? describeZodIssues(parsed!.error!.issues) };
    // The offline drafter is deterministic: asking again would give the same answer.
    if (drafter.provider === "offline") break;
  }
  throw new RuntimeFailure(
    `stage ${context.skill.stage.stage} of ${context.thread}: the ${drafter.provider} draft is still invalid after repair (${repair?.problems}); the thread is kept and can be resumed with "leanos resume ${context.thread}"`,
  );
}
