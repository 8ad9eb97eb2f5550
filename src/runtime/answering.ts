import { AlreadyAnswered, UsageError } from "../errors.js";
import { checkAnswer, type AnswerContext } from "../gates/check.js";
import { GATES } from "../gates/registry.js";
import { coerceEdit, type GatePayload, type GateResponse, type GivenAnswer } from "../gates/wire.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import { hasWorkLeft, payloadsOf, pendingOf, started, type CheckpointState } from "./checkpointView.js";

export interface AnswerTarget {
  thread: string;
  state: ThreadMeta["state"];
  /** The id of the question the answer is meant for, when the client knows it. */
  expected?: string;
  context: AnswerContext;
}

/**
 * The gate payload an answer is for (and the id of its question), once the answer is found fit for it by the gate's own rules
 * (the same the gate node applies). Throws a UsageError naming what is wrong; AlreadyAnswered when
 * the question the client meant was answered meanwhile.
 */
export async function checkedPayload(
  checkpoint: CheckpointState,
  response: GivenAnswer,
  target: AnswerTarget,
): Promise<{ payload: GatePayload; id?: string }> {
  const { thread } = target;
  const payload = payloadsOf(checkpoint)[0];
  const id = pendingOf(checkpoint)[0]?.id;
  if (target.expected !== undefined && id !== target.expected) {
    throw new AlreadyAnswered(`this question on ${thread} was answered elsewhere in the meantime; nothing was changed`);
  }
  if (!payload) {
    const hint =
      started(checkpoint) && hasWorkLeft(checkpoint)
        ? `; its run was cut short: leanos resume ${thread} finishes it`
        : "; leanos pending lists what waits";
    throw new UsageError(`nothing waits on thread ${thread} (state: ${target.state})${hint}`);
  }
  await checkAnswer(
    GATES[payload.leanos.kind],
    payload,
    coerceEdit(response as GateResponse, payload.action_request.args),
    target.context,
  );
  return { payload, ...(id ? { id } : {}) };
}
