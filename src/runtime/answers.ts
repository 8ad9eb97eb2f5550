import { Command } from "@langchain/langgraph";
import { readingOf } from "../core/reading.js";
import { threadIdOf } from "../core/threadId.js";
import { UsageError } from "../errors.js";
import { checkCorrection, checkReason } from "../gates/correction.js";
import type { GatePayload, GivenAnswer } from "../gates/wire.js";
import { hasActed } from "../gates/correctNode.js";
import { GraphKit } from "../graph/kit.js";
import { outputsBySchema } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { proposalFrom } from "../memory/proposals.js";
import { checkRetype } from "../threads/retype.js";
import { checkedPayload } from "./answering.js";
import { gatesOf, hasWorkLeft, started } from "./checkpointView.js";
import { resolve } from "./lookup.js";
import { READER, type RuntimeParts } from "./parts.js";
import { checkpointAt } from "./projector.js";
import { run, runOn } from "./runner.js";
import type { CorrectionOptions, CorrectionResult, ThreadResult } from "./threadService.js";

// A person's word on a thread: an answer to the question it waits at, or a correction of what the
// drafter read. Each is checked before anything is written (a refused one changes nothing), then
// checked again under the thread's lease, since another process may have moved the thread on.

/**
 * Answers the gate a thread waits at and runs on to the next gate or the end. With `expected` (the
 * pending item's id) the answer is only given if that very question still waits: a question
 * answered meanwhile elsewhere is reported, and nothing changes. A run a crash cut short before its
 * question was saved is run on first, so the question its readers were shown is asked again.
 */
export async function answer(
  parts: RuntimeParts,
  name: string,
  response: GivenAnswer,
  expected?: string,
): Promise<ThreadResult> {
  const { thread, meta } = await resolve(parts, name);
  const id = threadIdOf(meta);
  const before = await checkpointAt(parts, id);
  if (started(before) && hasWorkLeft(before) && gatesOf(before).length === 0 && meta.pending.length > 0)
    await parts.lockThread(id, () => runOn(parts, thread));
  const check = async (): Promise<{ payload: GatePayload; id?: string }> =>
    checkedPayload(await checkpointAt(parts, id), response, {
      thread,
      state: (await parts.metas.read(thread)).state,
      context: new GraphKit(parts.environment(READER)).answerContext(thread),
      ...(expected !== undefined ? { expected } : {}),
    });
  await check();
  return parts.lockThread(id, async () => {
    const { payload, id: question } = await check();
    const drafter = await parts.drafterFor(await parts.metas.read(thread));
    // The answer names the question it was checked against, which a gate that sends to customers requires.
    const named = { ...response, at: response.at ?? parts.stamp(), ...(question ? { interrupt_id: question } : {}) };
    const result = await run(parts, id, thread, drafter, new Command({ resume: named }));
    // The gate checks the answer again as it takes it; one it refused leaves the same question waiting.
    const refused = result.pending.find((item) => item.node === payload.leanos.node && item.refused);
    if (refused) throw new UsageError(`${refused.refused}; nothing was changed`);
    return result;
  });
}

/** The correction checked against the thread as its checkpoint has it; throws a UsageError saying why it cannot be taken. */
async function checkedCorrection(
  parts: RuntimeParts,
  thread: string,
  id: string,
  given: unknown,
  reason: string | undefined,
) {
  const checkpoint = await checkpointAt(parts, id);
  const values = checkpoint.snapshot.values as ThreadGraphState;
  if (!started(checkpoint) || !values.outputs)
    throw new UsageError(
      `${thread} has nothing drafted yet to correct: leanos resume ${thread} drafts it first; nothing was changed`,
    );
  if (!values.seal)
    throw new UsageError(
      `${thread} was started before leanos sealed its threads' state, so it cannot be corrected; start its event again to correct it; nothing was changed`,
    );
  const current = await parts.metas.read(thread);
  if (current.state === "running")
    throw new UsageError(
      `${thread} is running (a crash cut it short?): leanos resume ${thread} first; nothing was changed`,
    );
  const fields = checkCorrection(
    given,
    parts.canvas,
    readingOf(values.type, outputsBySchema(parts.spec, values.outputs)),
    parts.workspace.threadTypes,
    parts.goals.map((goal) => goal.front.id),
  );
  checkReason(reason);
  const acted = hasActed(new GraphKit(parts.environment(READER)), values);
  if (!acted && fields.type !== undefined) await checkRetype(parts.workspace, id, thread, fields.type);
  return { current, fields, acted };
}

/**
 * Corrects what the drafter read of a thread (gates/correction.ts), as `leanos correct` does. The
 * correction is handed to the graph's correction node: before the thread acts it redrafts from the
 * first corrected stage, moving the thread when its type changes; after, it is recorded and nothing
 * is undone.
 */
export async function correct(
  parts: RuntimeParts,
  name: string,
  given: unknown,
  options: CorrectionOptions,
): Promise<CorrectionResult> {
  const { thread, meta } = await resolve(parts, name);
  const id = threadIdOf(meta);
  // Checked first without the lease, so a refused correction touches nothing at all (not even the lease's row).
  await checkedCorrection(parts, thread, id, given, options.reason);
  const done = await parts.tryLockThread(id, async () => {
    const { current, fields, acted } = await checkedCorrection(parts, thread, id, given, options.reason);
    const correction = {
      fields,
      by: options.by,
      at: parts.stamp(),
      via: "correct" as const,
      ...(options.reason ? { reason: options.reason } : {}),
    };
    const result = await run(parts, id, thread, await parts.drafterFor(current), { correction });
    const proposed = await proposalFrom(parts.store.memory, id, correction.at);
    return {
      ...result,
      after_acting: acted,
      fields,
      ...(result.thread !== thread ? { renamed: thread } : {}),
      ...(proposed ? { proposed_rule: proposed } : {}),
    };
  });
  if (done === "busy")
    throw new UsageError(
      `${thread} is busy: another process (a pass, an answer) is running it; correct it once that is done; nothing was changed`,
    );
  return done;
}
