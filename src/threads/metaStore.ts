import { durableStep } from "../files/crashPoints.js";
import { indexRowOf } from "../store/indexRow.js";
import type { ThreadIndex } from "../store/store.js";
import type { Workspace } from "../workspace/workspace.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import { readThreadMeta, writeThreadMeta } from "./metaFile.js";
import { threadDir } from "./store.js";

/** Each thread's meta.json, read and written with its index row kept in step. */
export class MetaStore {
  constructor(
    private readonly workspace: Workspace,
    private readonly index: ThreadIndex,
    private readonly now: () => Date,
  ) {}

  dirOf(thread: string): string {
    return threadDir(this.workspace.threadsDir, thread);
  }

  read(thread: string): Promise<ThreadMeta> {
    return readThreadMeta(this.workspace.root, this.dirOf(thread), this.workspace.threadTypes);
  }

  /** `touch: false` keeps updated_at, which times how long a thread has sat in its stage. */
  async update(
    thread: string,
    change: (meta: ThreadMeta) => ThreadMeta,
    options: { touch?: boolean } = {},
  ): Promise<ThreadMeta> {
    const before = await this.read(thread);
    // A meta.json is named after its folder: a correction's move, cut short, is never undone by a write.
    const named = { thread, type: thread.split("/")[0] as ThreadMeta["type"], slug: thread.split("/")[1]! };
    const updated = {
      ...change(before),
      ...named,
      updated_at: options.touch === false ? before.updated_at : this.now().toISOString(),
    };
    await writeThreadMeta(this.workspace.root, this.dirOf(thread), updated, this.workspace.threadTypes);
    await this.indexed(updated);
    return updated;
  }

  /**
   * Writes the index row of a meta.json just written. A crash between the two leaves the row one
   * step behind: a row that says "running" is always checked against meta.json by its readers
   * (Runtime.fresh), and `leanos reindex` finds and mends the rest.
   */
  async indexed(meta: ThreadMeta): Promise<void> {
    await this.index.put(indexRowOf(meta));
    durableStep("index row");
  }
}
