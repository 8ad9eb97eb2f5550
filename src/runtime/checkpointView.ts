import { isGatePayload, pendingItem, type GatePayload } from "../gates/wire.js";
import type { ThreadGraph } from "../graph/builder.js";
import { outputsBySchema, type GraphSpec } from "../graph/spec.js";
import type { ThreadGraphState, Timer } from "../graph/state.js";
import type { Opportunity, PendingItem, ThreadMeta } from "../core/threadMeta.js";

// What a thread's checkpoint says, read for meta.json: the checkpoint is the truth, meta.json the
// readable copy derived from it (and repaired from it after a crash).

export type Snapshot = Awaited<ReturnType<ThreadGraph["getState"]>>;

/**
 * A thread's checkpoint: LangGraph's snapshot, and whether an answer (a resume) was saved against it
 * that no step has consumed yet. LangGraph still lists the interrupt it answers, so without this a
 * crash after the answer was saved would show the question as open, and the answer would be lost.
 */
export interface CheckpointState {
  snapshot: Snapshot;
  answered: boolean;
}

/** Whether the graph ever saved a step of this thread (a start killed before its first checkpoint did not). */
export const started = ({ snapshot }: CheckpointState): boolean =>
  (snapshot.values as Partial<ThreadGraphState>).thread !== undefined;

/**
 * Whether the graph has steps left to run. LangGraph leaves out of `next` a task whose writes were
 * saved: after a kill between a step's writes and its checkpoint, `next` is empty while that task
 * still waits to be applied (invoke(null) applies it and goes on). Only no tasks at all means the end.
 */
export const hasWorkLeft = ({ snapshot, answered }: CheckpointState): boolean =>
  answered || snapshot.next.length > 0 || snapshot.tasks.length > 0;

/** The interrupts that ask a person (gates), leaving out timers. */
export function gatesOf({ snapshot, answered }: CheckpointState): Array<{ id?: string; payload: GatePayload }> {
  if (answered) return [];
  return snapshot.tasks.flatMap((task) =>
    task.interrupts
      .filter((entry) => isGatePayload(entry.value))
      .map((entry) => ({ ...(entry.id ? { id: entry.id } : {}), payload: entry.value as GatePayload })),
  );
}

/** The due date a scheduled thread sleeps until: its run ended with a timer in its state. */
export function timerOf(state: CheckpointState): Timer | undefined {
  if (hasWorkLeft(state)) return undefined;
  return (state.snapshot.values as Partial<ThreadGraphState>).timer ?? undefined;
}

export function payloadsOf(state: CheckpointState): GatePayload[] {
  return gatesOf(state).map((gate) => gate.payload);
}

export function pendingOf(state: CheckpointState): PendingItem[] {
  return gatesOf(state).map((gate) => ({ ...pendingItem(gate.payload), ...(gate.id ? { id: gate.id } : {}) }));
}

/** The assumptions the thread's learning found validated. */
export function validatedBy(spec: GraphSpec, values: Partial<ThreadGraphState>): string[] {
  const learning = outputsBySchema(spec, values.outputs ?? {}).learning;
  return (learning?.validations ?? [])
    .filter((validation) => validation.result === "success" && validation.assumption_id !== "NEW")
    .map((validation) => validation.assumption_id);
}

/** The first action of the plan that is not finished, for meta.json. */
export function currentAction(spec: GraphSpec, values: Partial<ThreadGraphState>): ThreadMeta["current_action"] {
  const plan = outputsBySchema(spec, values.outputs ?? {}).actions;
  const open = plan?.actions.find(
    (action) => action.status === "pending" || action.status === "in_progress" || action.status === "blocked",
  );
  return open
    ? { id: open.id, type: open.type, title: open.title, status: open.status, owner: open.owner, due: open.due }
    : null;
}

/** The opportunities a learning stage proposed, with what people answered. */
export function opportunitiesOf(
  spec: GraphSpec,
  values: Partial<ThreadGraphState>,
  known: Opportunity[],
): Opportunity[] {
  const learning = outputsBySchema(spec, values.outputs ?? {}).learning;
  if (!learning) return known;
  return learning.opportunities.map((opportunity, index) => {
    const id = `opp-${index + 1}`;
    const review = values.opportunity_reviews?.[id];
    const before = known.find((entry) => entry.id === id);
    const status: Opportunity["status"] = before?.thread
      ? "started"
      : !review
        ? "proposed"
        : review.answer === "reject"
          ? "declined"
          : "approved";
    return {
      id,
      title: opportunity.title,
      priority: opportunity.priority,
      rationale: opportunity.rationale,
      type: opportunity.type,
      status,
      ...(before?.thread ? { thread: before.thread } : {}),
    };
  });
}
