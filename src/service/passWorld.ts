import type { ThreadMeta } from "../core/threadMeta.js";
import { workspaceSpec } from "../graph/workspaceSpec.js";
import type { PassWorld } from "../ops/passWorld.js";
import type { Runtime } from "../runtime/engine.js";
import { MetaStore } from "../threads/metaStore.js";
import { whereThreadIs } from "../threads/retype.js";
import type { ServiceOptions } from "./open.js";
import { openIndexRecords } from "./records.js";

/**
 * What a pass (and `leanos today`) works on, opened from the records: the graph's spec and the open
 * threads' meta.json through the index. `openRuntime` is called at the first thing only the runtime
 * can do (a due step, a campaign, a lead, a thread a crash left running), once; closing closes both.
 */
export async function openPassWorld(
  options: ServiceOptions,
  openRuntime: () => Promise<Runtime>,
): Promise<PassWorld & { root: string; close(): Promise<void> }> {
  const records = await openIndexRecords(options);
  try {
    const { spec } = await workspaceSpec(records.workspace);
    const metas = new MetaStore(records.workspace, records.store.index, records.now);
    let opening: Promise<Runtime> | undefined;
    const runtime = (): Promise<Runtime> => (opening ??= openRuntime());
    // A thread that says it is running is read from its checkpoint, by the runtime (projector.ts).
    const read = async (thread: string, id: string | undefined) => {
      const where = id ? await whereThreadIs(records.workspace, thread, id) : thread;
      const meta: ThreadMeta = await metas.read(where);
      return meta.state === "running" ? undefined : { thread: where, meta };
    };
    return {
      ...records,
      spec,
      runtime,
      readIndexed: async (row) => (await read(row.thread, row.id))?.meta ?? (await runtime()).readIndexed(row),
      resolve: async (name) => {
        const thread = await records.threadNamed(name);
        return (await read(thread, (await records.store.index.get(thread))?.id)) ?? (await runtime()).resolve(name);
      },
      close: async () => {
        await (await opening?.catch(() => undefined))?.close();
        await records.close();
      },
    };
  } catch (error) {
    await records.close();
    throw error;
  }
}
