import type { Workspace } from "../workspace/workspace.js";
import type { DatabaseUse } from "./database.js";
import { WorkspaceCheckpointer } from "./checkpointer.js";
import { SqliteIndexStore } from "./sqliteIndexStore.js";
import { SqliteMemoryStore } from "./sqliteMemory.js";
import type { WorkspaceStore } from "./store.js";

export { SqliteClaims, SqliteIndex } from "./sqliteIndexStore.js";

/** The embedded store with its LangGraph checkpointer, on the same SQLite connection. */
export class SqliteStore extends SqliteIndexStore implements WorkspaceStore {
  readonly checkpointer: WorkspaceCheckpointer;
  readonly memory: SqliteMemoryStore;

  constructor(workspace: Pick<Workspace, "root" | "checkpointsPath">, use: DatabaseUse = {}) {
    super(workspace, use);
    this.checkpointer = new WorkspaceCheckpointer(this.db);
    this.memory = new SqliteMemoryStore(this.db);
  }

  override async close(): Promise<void> {
    // The checkpointer owns the connection's closing.
    this.checkpointer.close();
  }
}
