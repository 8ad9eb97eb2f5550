import type { CheckpointTuple } from "@langchain/langgraph";
import type { Item } from "@langchain/langgraph-checkpoint";
import { isDeepStrictEqual } from "node:util";
import { RuntimeFailure, UsageError } from "../errors.js";
import { indexRowOf } from "../store/indexRow.js";
import { isHeld } from "../store/leases.js";
import { shownUrl, type StoreChoice } from "../store/open.js";
import { SECRET_NAMES, type WorkspaceStore } from "../store/store.js";
import { threadIdOf } from "../core/threadId.js";
import { readThreadMeta } from "../threads/metaFile.js";
import { listThreadNames, threadDir } from "../threads/store.js";
import type { Runtime } from "./engine.js";

// Moves a workspace's runtime state to another store (SQLite to PostgreSQL, or back): every thread's
// LangGraph checkpoints with their pending writes, then the thread index and the slug claims, rebuilt
// from the thread folders, then the workspace's memory (every item under ["memory"]: examples, rules,
// proposed rules), each under its namespace and key. The source is left as it was. Copying is
// idempotent (both checkpointers upsert by id; a memory item already in the target with the same
// value is left as it is), so a migration cut short is finished by running it again.
//
// Like threads of another workspace, a memory item the target holds under one of this workspace's
// keys with another value is refused before anything is written: the migration never replaces a
// memory item it finds in the target. Items the target holds under keys the source does not have
// are left alone.

export interface MigrationReport {
  from: string;
  to: string;
  /** Threads whose checkpoints were copied. */
  threads: number;
  checkpoints: number;
  writes: number;
  /** Thread folders given an index row and a claim in the target. */
  rows: number;
  /** Items of the memory (examples, rules, proposed rules) the target now holds as the source does. */
  memory: number;
}

export interface MigrationControl {
  log?: (line: string) => void;
}

const configOf = (threadId: string, namespace: string, checkpointId?: string) => ({
  configurable: {
    thread_id: threadId,
    checkpoint_ns: namespace,
    ...(checkpointId ? { checkpoint_id: checkpointId } : {}),
  },
});

async function checkpointsOf(store: WorkspaceStore, threadId: string): Promise<CheckpointTuple[]> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of store.checkpointer.list({ configurable: { thread_id: threadId } })) tuples.push(tuple);
  return tuples;
}

const keyOf = (tuple: CheckpointTuple): string =>
  `${String(tuple.config.configurable?.checkpoint_ns ?? "")}/${tuple.checkpoint.id}`;

/** Copies one thread's checkpoints, oldest first so each parent is there before its child; returns what it wrote. */
async function copyThread(
  source: WorkspaceStore,
  target: WorkspaceStore,
  threadId: string,
): Promise<{ checkpoints: number; writes: number }> {
  const tuples = (await checkpointsOf(source, threadId)).reverse();
  const known = new Set(tuples.map(keyOf));
  const foreign = (await checkpointsOf(target, threadId)).filter((tuple) => !known.has(keyOf(tuple)));
  if (foreign.length > 0) {
    throw new UsageError(
      `the target already has checkpoints of thread ${threadId} that this workspace does not (${foreign.length}): is its workspace id used by another workspace?`,
    );
  }
  let writes = 0;
  for (const tuple of tuples) {
    const namespace = String(tuple.config.configurable?.checkpoint_ns ?? "");
    const parent = tuple.parentConfig?.configurable?.checkpoint_id as string | undefined;
    // Both savers always keep metadata; the fallback only satisfies the type.
    // Every channel counts as new, so a store that keeps values apart from checkpoints (PostgreSQL's blobs) gets them all.
    await target.checkpointer.put(
      configOf(threadId, namespace, parent),
      tuple.checkpoint,
      tuple.metadata ?? { source: "update", step: -1, parents: {} },
      tuple.checkpoint.channel_versions,
    );
    const byTask = new Map<string, Array<[string, unknown]>>();
    for (const [taskId, channel, value] of tuple.pendingWrites ?? [])
      byTask.set(taskId, [...(byTask.get(taskId) ?? []), [channel, value]]);
    for (const [taskId, taskWrites] of byTask) {
      await target.checkpointer.putWrites(configOf(threadId, namespace, tuple.checkpoint.id), taskWrites, taskId);
      writes += taskWrites.length;
    }
  }
  await verifyThread(source, target, threadId, tuples);
  return { checkpoints: tuples.length, writes };
}

/**
 * A checkpoint's values of the channels that were ever written. SQLite also keeps a never-written
 * channel's default ({} or []); PostgreSQL keeps values by version and leaves those out, and LangGraph
 * restores the default either way.
 */
const versionedValues = (tuple: CheckpointTuple | undefined): Record<string, unknown> =>
  Object.fromEntries(
    Object.keys(tuple?.checkpoint.channel_versions ?? {}).map((channel) => [
      channel,
      tuple?.checkpoint.channel_values[channel],
    ]),
  );

/** Reads the copy back: the same checkpoints, the latest with the same values and pending writes. */
async function verifyThread(
  source: WorkspaceStore,
  target: WorkspaceStore,
  threadId: string,
  copied: CheckpointTuple[],
): Promise<void> {
  const read = await checkpointsOf(target, threadId);
  const wanted = copied.map(keyOf).sort();
  const found = read.map(keyOf).sort();
  const latest = await source.checkpointer.getTuple(configOf(threadId, ""));
  const latestCopy = await target.checkpointer.getTuple(configOf(threadId, ""));
  const same =
    isDeepStrictEqual(wanted, found) &&
    latest?.checkpoint.id === latestCopy?.checkpoint.id &&
    isDeepStrictEqual(versionedValues(latest), versionedValues(latestCopy)) &&
    (latest?.pendingWrites?.length ?? 0) === (latestCopy?.pendingWrites?.length ?? 0);
  if (!same)
    throw new RuntimeFailure(
      `thread ${threadId} reads back differently from ${target.where} than it was written; nothing was switched, the source is as it was`,
    );
}

/** Where a memory item is kept, for people: memory/examples/<key>. */
const itemName = (item: Pick<Item, "namespace" | "key">): string => [...item.namespace, item.key].join("/");
/** The same as a map key (a key may hold a slash). */
const slotOf = (item: Pick<Item, "namespace" | "key">): string => JSON.stringify([item.namespace, item.key]);

const MEMORY = ["memory"];

/**
 * Every item of the store's memory. Read by one search whose limit grows until it comes back short:
 * one statement reads a consistent whole, where pages by offset could skip an item (PostgresStore
 * orders a search by created_at, and items made in the same instant have no order between pages).
 * PostgresStore matches a prefix as text (["memory"] takes in ["memoryless"]): only ["memory", ...] counts.
 */
async function memoryOf(store: WorkspaceStore): Promise<Map<string, Item>> {
  for (let limit = 1000; ; limit *= 4) {
    const items = await store.memory.search(MEMORY, { limit });
    if (items.length < limit)
      return new Map(items.filter((item) => item.namespace[0] === MEMORY[0]).map((item) => [slotOf(item), item]));
  }
}

/** The source's memory items the target holds under the same namespace and key with another value. */
function memoryConflicts(source: Map<string, Item>, target: Map<string, Item>): string[] {
  return [...source]
    .filter(([slot, item]) => target.has(slot) && !isDeepStrictEqual(target.get(slot)!.value, item.value))
    .map(([, item]) => itemName(item));
}

/** Copies the memory items the target lacks, and reads every one back; returns how many it holds now. */
async function copyMemory(source: WorkspaceStore, target: WorkspaceStore): Promise<number> {
  // Read again: what was checked before the threads were copied may have grown since.
  const items = await memoryOf(source);
  const present = await memoryOf(target);
  const conflicts = memoryConflicts(items, present);
  if (conflicts.length > 0)
    throw new UsageError(memoryConflictMessage(target, conflicts, "The threads were copied, the memory was not"));
  for (const [slot, item] of items)
    if (!present.has(slot)) await target.memory.put(item.namespace, item.key, item.value);
  const copied = await memoryOf(target);
  const wrong = [...items]
    .filter(([slot, item]) => !isDeepStrictEqual(copied.get(slot)?.value, item.value))
    .map(([, item]) => itemName(item));
  if (wrong.length > 0) {
    throw new RuntimeFailure(
      `${wrong.length} item(s) of the memory read back differently from ${target.where} than they were written (${wrong.slice(0, 3).join(", ")}); nothing was switched, the source is as it was`,
    );
  }
  return items.size;
}

/** Why a target is refused for its memory; `copied` says what was copied all the same (nothing, when checked first). */
const memoryConflictMessage = (target: WorkspaceStore, conflicts: string[], copied: string): string =>
  `${target.where} already holds ${conflicts.length} item(s) of the memory under this workspace's keys with other values (${conflicts.slice(0, 3).join(", ")}): ` +
  `is its workspace id used by another workspace, or was the memory changed there since an earlier copy? ${copied}; take those items out of the target (or give this workspace an id of its own) and run it again`;

/**
 * Copies the runtime state of `runtime`'s workspace into `target`. Holds the pass lease and each
 * thread's lease while copying it, so no pass or step changes what is being copied; a thread busy in
 * another process stops the migration with what to do (what was copied stays, and a rerun finishes).
 */
export async function migrateStore(
  runtime: Runtime,
  target: WorkspaceStore,
  control: MigrationControl = {},
): Promise<MigrationReport> {
  const source = runtime.store;
  const log = control.log ?? (() => undefined);
  const pass = await source.leases.acquire("pass");
  if (!isHeld(pass))
    throw new RuntimeFailure(
      `a pass is running (pid ${pass.pid} on ${pass.host}, since ${pass.since}); stop the workers and try again`,
    );
  try {
    const ids = await source.checkpointedThreadIds();
    const ours = new Set(ids);
    const strangers = (await target.checkpointedThreadIds()).filter((id) => !ours.has(id));
    if (strangers.length > 0) {
      throw new UsageError(
        `${target.where} already holds ${strangers.length} thread(s) this workspace does not have (${strangers.slice(0, 3).join(", ")}): give this workspace an id of its own`,
      );
    }
    // The memory is checked here too, before anything is written, and copied last.
    const conflicts = memoryConflicts(await memoryOf(source), await memoryOf(target));
    if (conflicts.length > 0) throw new UsageError(memoryConflictMessage(target, conflicts, "Nothing was copied"));
    // Threads' states are sealed with the workspace's key, and API tokens are signed with its own: the
    // target takes the source's, or every thread copied would be refused there as tampered with.
    for (const name of SECRET_NAMES) await target.secrets.set(name, await source.secrets.get(name));
    const report: MigrationReport = {
      from: source.where,
      to: target.where,
      threads: 0,
      checkpoints: 0,
      writes: 0,
      rows: 0,
      memory: 0,
    };
    const busy: string[] = [];
    log(`copying the checkpoints of ${ids.length} thread(s) from ${source.where} to ${target.where}`);
    for (const id of ids) {
      const copied = await runtime.tryLockThread(id, () => copyThread(source, target, id));
      if (copied === "busy") {
        busy.push(id);
        continue;
      }
      report.threads += 1;
      report.checkpoints += copied.checkpoints;
      report.writes += copied.writes;
      if (report.threads % 100 === 0) log(`${report.threads}/${ids.length} threads copied`);
    }
    if (busy.length > 0) {
      throw new RuntimeFailure(
        `${busy.length} thread(s) were running in another process (${busy.slice(0, 3).join(", ")}); stop the workers and run migrate-store again (what was copied is kept)`,
      );
    }
    report.rows = await indexFolders(runtime, target);
    log(`indexed ${report.rows} thread folder(s)`);
    report.memory = await copyMemory(source, target);
    log(`copied ${report.memory} item(s) of the memory`);
    return report;
  } finally {
    await pass.release();
  }
}

/** Gives every thread folder its row and its name's claim in the target, from meta.json. */
async function indexFolders(runtime: Runtime, target: WorkspaceStore): Promise<number> {
  const { workspace } = runtime;
  let rows = 0;
  for (const thread of await listThreadNames(workspace)) {
    const meta = await readThreadMeta(workspace.root, threadDir(workspace.threadsDir, thread), workspace.threadTypes);
    const id = threadIdOf(meta);
    if (!(await target.claims.claim(thread, id)))
      throw new UsageError(
        `${target.where} has the name ${thread} claimed by another thread: is its workspace id used by another workspace?`,
      );
    await target.index.put(indexRowOf(meta));
    rows += 1;
  }
  await target.index.markBuilt();
  return rows;
}

export function formatMigration(report: MigrationReport): string {
  return [
    `copied ${report.threads} thread(s): ${report.checkpoints} checkpoint(s), ${report.writes} pending write(s); indexed ${report.rows} thread folder(s); copied ${report.memory} item(s) of the memory (examples and rules)`,
    `from ${report.from}`,
    `to   ${report.to}`,
    "The source is left as it was. Switch every process of this workspace to the new store before running anything else, or the two drift apart.",
  ].join("\n");
}

/** How to point the workspace's processes at the store it was copied to. */
export function switchAdvice(choice: StoreChoice): string {
  if (choice.kind === "sqlite")
    return "To switch: unset LEANOS_DATABASE_URL, and remove database_url from .leanos/config.yaml if it is there.";
  return `To switch: give every process of this workspace LEANOS_DATABASE_URL=${shownUrl(choice.url!)} and LEANOS_WORKSPACE_ID=${choice.workspaceId} (or database_url and workspace_id in .leanos/config.yaml).`;
}
