import { SETTLED_OPPORTUNITY_DAYS } from "../store/indexRow.js";
import type { ThreadType } from "../core/stageSchemas.js";
import type { IndexRow } from "../store/indexRow.js";
import type { ThreadIndex } from "../store/store.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";
import { COMPLETE, nextStepOf } from "./reading.js";

// Looking across a workspace's threads through its index: what is open is read from meta.json, what
// is done only counts. So the cost follows the open work, not the length of the history.

const DAY_MS = 24 * 60 * 60 * 1000;

/** From when settled opportunities still show on today's page. */
const recentSince = (now: Date): string => new Date(now.getTime() - SETTLED_OPPORTUNITY_DAYS * DAY_MS).toISOString();

/** The meta.json of every thread a pass or today's page must look at (open work, and what the page shows), by name. */
export async function* threadsToRead(runtime: IndexedThreads, now: Date): AsyncGenerator<ThreadMeta> {
  for (const row of await runtime.store.index.toRead(recentSince(now))) yield await runtime.readIndexed(row);
}

/** How many threads of each type are done and have nothing to show: they are counted, never read. */
export function idleCounts(runtime: IndexedThreads, now: Date): Promise<Array<{ type: ThreadType; count: number }>> {
  return runtime.store.index.idleCounts(recentSince(now));
}

export type StatusRow = Pick<ThreadMeta, "thread" | "type" | "state" | "stage" | "impact" | "title" | "updated_at"> & {
  next: string;
};

const statusRowOf = (meta: StatusRow | ThreadMeta, next: string): StatusRow => ({
  thread: meta.thread,
  type: meta.type,
  state: meta.state,
  stage: meta.stage,
  next,
  impact: meta.impact,
  title: meta.title,
  updated_at: meta.updated_at,
});

/** What reads threads through the index: the runtime, or the lighter reader of the read-only commands. */
export interface IndexedThreads {
  store: { index: ThreadIndex };
  readIndexed(row: IndexRow): Promise<ThreadMeta>;
  resolve(name: string): Promise<{ thread: string; meta: ThreadMeta }>;
}

/**
 * What waits for a human, highest impact first: the index finds the threads that wait (or may, when
 * a run was cut short), their meta.json says what they wait for (written as the graph asks; an
 * answer is checked against the checkpoint itself).
 */
export async function pendingItems(threads: IndexedThreads, name?: string): Promise<PendingItem[]> {
  const items: PendingItem[] = [];
  if (name) items.push(...(await threads.resolve(name)).meta.pending);
  else {
    for (const row of await threads.store.index.inStates(["waiting", "running"])) {
      const meta = await threads.readIndexed(row);
      if (meta.state === "waiting") items.push(...meta.pending);
    }
  }
  return items.sort((a, b) => (b.impact ?? 0) - (a.impact ?? 0) || a.thread.localeCompare(b.thread));
}

/** Every thread with its state and next step: a done thread from its row, an open one from its meta.json. */
export async function statusRows(runtime: IndexedThreads): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for (const row of await runtime.store.index.rows()) {
    if (row.state === "done") rows.push(statusRowOf({ ...row, next: COMPLETE }, COMPLETE));
    else {
      const meta = await runtime.readIndexed(row);
      rows.push(statusRowOf(meta, nextStepOf(meta)));
    }
  }
  return rows;
}

/** One thread with its next step (`leanos status THREAD`). */
export async function threadWithNext(threads: IndexedThreads, name: string): Promise<ThreadMeta & { next: string }> {
  const { meta } = await threads.resolve(name);
  return { ...meta, next: nextStepOf(meta) };
}

/** What the read-only commands ask of a workspace's threads. */
export interface ThreadReads {
  pending(name?: string): Promise<PendingItem[]>;
  thread(name: string): Promise<ThreadMeta & { next: string }>;
  statusRows(): Promise<StatusRow[]>;
}

/** The read-only commands' reads, through the runtime or the lighter reader alike. */
export function threadReads(threads: IndexedThreads): ThreadReads {
  return {
    pending: (name) => pendingItems(threads, name),
    thread: (name) => threadWithNext(threads, name),
    statusRows: () => statusRows(threads),
  };
}
