import { AuditLog } from "../audit/log.js";
import { openIndexStore, openStore } from "../store/open.js";
import type { IndexStore, WorkspaceStore } from "../store/store.js";
import { findThread } from "../threads/store.js";
import { openWorkspace, type Workspace } from "../workspace/workspace.js";
import { clockOf, type ServiceOptions } from "./open.js";

// What the commands that keep or read the workspace's records (`leanos memory`, `token`, `trust`,
// `usage`) work on: the workspace, its store and its audit log, opened without the canvas, the skills,
// the graph or a drafter, so they start without LangGraph's runtime (about half their time before).

export interface WorkspaceRecords<S extends IndexStore = WorkspaceStore> {
  root: string;
  workspace: Workspace;
  store: S;
  audit: AuditLog;
  now: () => Date;
  /** The thread a name names (a slug, a unique prefix or its id), from the index, else from the folders. */
  threadNamed(name: string): Promise<string>;
  close(): Promise<void>;
}

export function openRecords(options: ServiceOptions): Promise<WorkspaceRecords> {
  return recordsWith(options, (workspace) => openStore(workspace, undefined, { reading: options.reading === true }));
}

/** The records with only the store's index and leases: on SQLite, no checkpointer (LangGraph's packages) loads. */
export function openIndexRecords(options: ServiceOptions): Promise<WorkspaceRecords<IndexStore>> {
  return recordsWith(options, (workspace) =>
    openIndexStore(workspace, undefined, { reading: options.reading === true }),
  );
}

async function recordsWith<S extends IndexStore>(
  options: ServiceOptions,
  open: (workspace: Workspace) => Promise<S> | S,
): Promise<WorkspaceRecords<S>> {
  const now = clockOf(options.now) ?? (() => new Date());
  const workspace = await openWorkspace(options.workspace);
  const store = await open(workspace);
  return {
    root: workspace.root,
    workspace,
    store,
    audit: new AuditLog(workspace.root, workspace.auditPath),
    now,
    threadNamed: async (name) => (await findThread(store.index, workspace, name)).thread,
    close: () => store.close(),
  };
}
