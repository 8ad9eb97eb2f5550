import { UsageError } from "../errors.js";
import { buildIndexIfNew } from "../runtime/indexBuild.js";
import { openStore } from "../store/open.js";
import type { WorkspaceStore } from "../store/store.js";
import { openWorkspace, type Workspace } from "../workspace/workspace.js";

// The workspace LangGraph's server serves (LEANOS_WORKSPACE) and its store, opened once per process:
// the graph factory runs for every run and state read, and the auth hook for every request.

const stores = new Map<string, Promise<WorkspaceStore>>();

/** The folder of the served workspace. */
export function servedRoot(): string {
  const root = process.env.LEANOS_WORKSPACE;
  if (!root) throw new UsageError("LEANOS_WORKSPACE must name the workspace the LangGraph server serves");
  return root;
}

/** The workspace's store (thread index, slug claims, secrets; the server keeps its own checkpoints). */
export function storeOf(workspace: Workspace): Promise<WorkspaceStore> {
  let store = stores.get(workspace.root);
  if (!store) {
    store = (async () => {
      const opened = await openStore(workspace);
      await buildIndexIfNew(workspace, opened.index);
      return opened;
    })();
    // A store that failed to open is tried again on the next call.
    store.catch(() => stores.delete(workspace.root));
    stores.set(workspace.root, store);
  }
  return store;
}

/** The served workspace's store, for the auth hook (which needs its secrets only). */
export async function servedStore(): Promise<WorkspaceStore> {
  return storeOf(await openWorkspace(servedRoot()));
}
