import type { IndexRow } from "../store/indexRow.js";
import { openIndexStore } from "../store/open.js";
import type { IndexStore } from "../store/store.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import { MetaStore } from "../threads/metaStore.js";
import { whereThreadIs } from "../threads/retype.js";
import { findThread } from "../threads/store.js";
import { openWorkspace, type Workspace } from "../workspace/workspace.js";

/**
 * Raised when reading needs what only the full runtime can do: settle a thread a crash left
 * "running" (from its checkpoint), or build the index of a workspace that has none yet.
 */
export class NeedsRuntime extends Error {}

/**
 * Reads threads for the read-only commands (pending, status) from the thread index and meta.json,
 * without LangGraph, the checkpointer, the canvas or the skills: what a person asks most often
 * answers in the time it takes to read a few small files. The reads themselves are threadReads
 * (acrossThreads.ts), shared with the runtime: anything this cannot settle by reading raises
 * NeedsRuntime, and the command asks the same reads of the full runtime instead.
 */
export class ThreadReader {
  readonly metas: MetaStore;

  private constructor(
    readonly workspace: Workspace,
    readonly store: IndexStore,
    now: () => Date,
  ) {
    this.metas = new MetaStore(workspace, store.index, now);
  }

  static async open(options: { workspace?: string; now?: () => Date } = {}): Promise<ThreadReader> {
    const workspace = await openWorkspace(options.workspace);
    // Reading changes nothing, so a workspace that cannot be written is read all the same.
    const store = await openIndexStore(workspace, undefined, { reading: true });
    if (!(await store.index.isBuilt())) {
      await store.close();
      throw new NeedsRuntime("the workspace's thread index is not built yet");
    }
    return new ThreadReader(workspace, store, options.now ?? (() => new Date()));
  }

  /** A thread's meta.json, as Runtime.readIndexed reads it; nothing is written. */
  async readIndexed(row: IndexRow): Promise<ThreadMeta> {
    return this.settled(await this.metas.read(await whereThreadIs(this.workspace, row.thread, row.id)));
  }

  async resolve(name: string): Promise<{ thread: string; meta: ThreadMeta }> {
    const { thread, found } = await findThread(this.store.index, this.workspace, name);
    if (found === "folders" && !this.store.readOnly) await this.metas.indexed(await this.metas.read(thread));
    return { thread, meta: this.settled(await this.metas.read(thread)) };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** A meta.json that says "running" is read from its checkpoint by the runtime: it may be a run a crash cut short. */
  private settled(meta: ThreadMeta): ThreadMeta {
    if (meta.state === "running") throw new NeedsRuntime(`${meta.thread} says it is running`);
    return meta;
  }
}
