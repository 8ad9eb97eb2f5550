import type { Runtime } from "../runtime/engine.js";
import type { IndexRow } from "../store/indexRow.js";
import type { ThreadMeta } from "../core/threadMeta.js";

// What waits, in the inbox's order (highest impact first, then by name), found through the thread
// index, so an inbox page costs what it shows and not what the workspace holds: 2,000 waiting threads
// are 2,000 rows, and only the page's threads have their meta.json read.
//
// A thread waits at one question at a time, and the gate asks at the thread's impact (the index row's
// `impact`), except an opportunity, which asks at its own priority: for those, and for a row that says
// "running" (a run a crash cut short, which reading settles), meta.json is read to know.

export interface WaitingThread {
  thread: string;
  /** Where it sorts: the impact its question is asked at. */
  impact: number | null;
  row: IndexRow;
  /** Its meta.json, when it had to be read to place it. */
  meta?: ThreadMeta;
}

const inboxOrder = (a: WaitingThread, b: WaitingThread): number =>
  (b.impact ?? 0) - (a.impact ?? 0) || a.thread.localeCompare(b.thread);

/** Every thread that waits for a person, in the inbox's order. */
export async function waitingThreads(runtime: Runtime): Promise<WaitingThread[]> {
  const waiting: WaitingThread[] = [];
  for (const row of await runtime.store.index.inStates(["waiting", "running"])) {
    if (row.state === "waiting" && row.pending_kind !== "opportunities") {
      waiting.push({ thread: row.thread, impact: row.impact, row });
      continue;
    }
    const meta = await runtime.readIndexed(row);
    if (meta.state === "waiting")
      waiting.push({ thread: meta.thread, impact: meta.pending[0]?.impact ?? null, row, meta });
  }
  return waiting.sort(inboxOrder);
}

/** How many threads wait (the count in every page's header): only a row that says "running" is read. */
export async function waitingCount(runtime: Runtime): Promise<number> {
  let count = 0;
  for (const row of await runtime.store.index.inStates(["waiting", "running"])) {
    if (row.state === "waiting" || (await runtime.readIndexed(row)).state === "waiting") count += 1;
  }
  return count;
}

/** The thread's meta.json as it is now (read for the page that shows it). */
export const metaOf = (runtime: Runtime, entry: WaitingThread): Promise<ThreadMeta> =>
  entry.meta ? Promise.resolve(entry.meta) : runtime.readIndexed(entry.row);
