import { indexRowOf } from "../store/indexRow.js";
import type { ThreadIndex } from "../store/store.js";
import { readThreadMeta } from "../threads/metaFile.js";
import { listThreadNames, threadDir } from "../threads/store.js";
import type { Workspace } from "../workspace/workspace.js";

type Folders = Pick<Workspace, "root" | "threadsDir" | "threadTypes">;

/**
 * Gives every thread folder its row, once per workspace: a workspace made before the index, or whose
 * store was new. Rows already there are kept, since a live writer wrote them after its meta.json.
 */
export async function buildIndexIfNew(workspace: Folders, index: ThreadIndex): Promise<number> {
  if (await index.isBuilt()) return 0;
  let added = 0;
  for (const thread of await listThreadNames(workspace)) {
    // An unreadable meta.json is reported by whoever reads that thread, and reindex lists it.
    const meta = await readThreadMeta(
      workspace.root,
      threadDir(workspace.threadsDir, thread),
      workspace.threadTypes,
    ).catch(() => undefined);
    if (!meta) continue;
    await index.putIfAbsent(indexRowOf(meta));
    added += 1;
  }
  await index.markBuilt();
  return added;
}
