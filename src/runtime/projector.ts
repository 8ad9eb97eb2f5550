import { existsSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { threadIdOf } from "../core/threadId.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";
import type { ThreadGraphState } from "../graph/state.js";
import type { GraphSpec } from "../graph/spec.js";
import type { IndexRow } from "../store/indexRow.js";
import { whereThreadIs } from "../threads/retype.js";
import { threadDir } from "../threads/store.js";
import { gatesOf, hasWorkLeft, pendingOf, started, timerOf, type CheckpointState } from "./checkpointView.js";
import type { RuntimeParts } from "./parts.js";
import { gateAsked, progressOf, sameQuestion } from "./recorder.js";
import type { ThreadResult } from "./threadService.js";

// The checkpoint is the truth of a thread; meta.json and its index row are what people and the
// index read. The projector is the one place that says what the checkpoint means for them (its
// state, what waits, its progress, its next due date) and writes it there. A run's graph records
// each step as it goes; after a run, or where a crash left meta.json behind the checkpoint, the
// projection is written again. A reader that cannot write (a read-only mount) shows meta.json as it is.

/** The thread's checkpoint, read with a graph that drafts nothing (see checkpointView.ts). */
export async function checkpointAt(parts: RuntimeParts, id: string): Promise<CheckpointState> {
  const snapshot = await parts.graph.getState(parts.config(id));
  const tuple = await parts.checkpointer.getTuple(parts.config(id));
  const answered = (tuple?.pendingWrites ?? []).some(([, channel]) => channel === "__resume__");
  return { snapshot, answered };
}

/**
 * meta.json as the checkpoint has it: its state, what waits, its progress and next due date. A run
 * cut short (an answer taken but not acted on, a step left to apply) is "running", never "waiting":
 * what waits is only what an answer can be given to now.
 */
export function projectedMeta(spec: GraphSpec, meta: ThreadMeta, checkpoint: CheckpointState): ThreadMeta {
  const pending = pendingOf(checkpoint);
  const values = checkpoint.snapshot.values as Partial<ThreadGraphState>;
  const timer = timerOf(checkpoint);
  const state: ThreadMeta["state"] =
    pending.length > 0
      ? "waiting"
      : timer
        ? "scheduled"
        : !hasWorkLeft(checkpoint) && started(checkpoint)
          ? "done"
          : "running";
  // The subgoal is the link's (progressOf): one the link no longer names is not kept.
  const { error: _cleared, subgoal: _subgoal, ...rest } = meta;
  return { ...rest, ...progressOf(spec, values, meta), state, pending, next_due: timer?.due ?? null };
}

/** What a thread's projection says to whoever asked for a step. */
export function resultOf(parts: RuntimeParts, meta: ThreadMeta): Omit<ThreadResult, "started"> {
  return {
    thread: meta.thread,
    state: meta.state,
    pending: meta.pending,
    dir: threadDir(parts.workspace.threadsDir, meta.thread),
    files: meta.files,
  };
}

/** Writes the checkpoint's projection into meta.json (and so the index row); a question a cut-short run asked is recorded too. */
export async function project(parts: RuntimeParts, thread: string): Promise<Omit<ThreadResult, "started">> {
  const checkpoint = await checkpointAt(parts, threadIdOf(await parts.metas.read(thread)));
  let asked: PendingItem[] = [];
  const updated = await parts.metas.update(thread, (meta) => {
    const projected = projectedMeta(parts.spec, meta, checkpoint);
    asked = projected.pending.filter((item) => !meta.pending.some((known) => sameQuestion(known, item)));
    return projected;
  });
  // The graph records each question as it asks it; one asked by a run that was cut short is recorded here.
  await parts.audit.append(...asked.map((item) => gateAsked(thread, item, parts.stamp())));
  return resultOf(parts, updated);
}

/**
 * The thread as it stands when there is nothing to do: nothing left to run, meta.json already the
 * checkpoint's projection, no approved follow-up waiting to be started. Read without the thread's
 * lease and without writing a byte, so `resume` of a thread that waits, sleeps or is done changes
 * nothing, and works on a workspace that cannot be written. Undefined when there is something to do.
 */
export async function standing(parts: RuntimeParts, thread: string, id: string): Promise<ThreadResult | undefined> {
  const meta = await parts.metas.read(thread);
  if (meta.state === "running" || meta.state === "failed") return undefined;
  // A lease row (a live holder, or one a killed process left) sends resume through the lease: it
  // waits for the holder, or takes the dead one's row over and removes it.
  if (await parts.store.leases.recorded(`thread:${id}`)) return undefined;
  if (meta.opportunities.some((entry) => entry.status === "approved" && !entry.thread)) return undefined;
  const checkpoint = await checkpointAt(parts, id);
  if (!started(checkpoint) || (gatesOf(checkpoint).length === 0 && hasWorkLeft(checkpoint))) return undefined;
  // updated_at only says when meta.json was last written; everything else must already be so.
  const comparable = (value: ThreadMeta): unknown =>
    JSON.parse(JSON.stringify({ ...value, updated_at: null })) as unknown;
  if (!isDeepStrictEqual(comparable(projectedMeta(parts.spec, meta, checkpoint)), comparable(meta))) return undefined;
  return { ...resultOf(parts, meta), started: [] };
}

/**
 * The meta.json a reader is shown: a thread that says "running" (a run now, or one a crash cut
 * short) is shown as its checkpoint has it. A reader writes nothing: the next run of the thread (a
 * pass, resume, an answer) writes the projection.
 */
export async function fresh(parts: RuntimeParts, meta: ThreadMeta, thread = meta.thread): Promise<ThreadMeta> {
  if (meta.state !== "running") return meta;
  const checkpoint = await checkpointAt(parts, threadIdOf(meta));
  // `thread` is where its folder is, which a correction's move cut short may not yet have told meta.json.
  return started(checkpoint) ? { ...projectedMeta(parts.spec, meta, checkpoint), thread } : meta;
}

/**
 * Where a thread whose folder is not at its name is: a correction of its type cut short after the
 * folder moved and before the index followed leaves it under its new type (the correction, run
 * again, finishes the move).
 */
export function movedFrom(parts: RuntimeParts, thread: string, id: string): Promise<string> {
  return whereThreadIs(parts.workspace, thread, id);
}

/** A thread's name now: a correction of its type moves it (retype.ts). */
export async function nameNow(parts: RuntimeParts, id: string, thread: string): Promise<string> {
  const row = await parts.store.index.byId(id);
  return row && existsSync(join(parts.metas.dirOf(row.thread), "meta.json"))
    ? row.thread
    : movedFrom(parts, thread, id);
}

/** A thread's meta.json for a reader who found it by its index row, as its checkpoint has it (nothing is written). */
export async function readIndexed(parts: RuntimeParts, row: IndexRow): Promise<ThreadMeta> {
  const thread = await movedFrom(parts, row.thread, row.id);
  return fresh(parts, await parts.metas.read(thread), thread);
}
