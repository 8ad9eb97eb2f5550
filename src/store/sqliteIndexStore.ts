import type Database from "better-sqlite3";
import { hostname } from "node:os";
import { relative } from "node:path";
import type { ThreadType } from "../core/stageSchemas.js";
import type { Workspace } from "../workspace/workspace.js";
import { openDatabase, type DatabaseUse } from "./database.js";
import { checkedRow, INDEX_COLUMNS, type IndexRow } from "./indexRow.js";
import { holderGone, SqliteLeases } from "./leases.js";
import { randomBytes } from "node:crypto";
import type { IndexStore, SlugClaims, ThreadIndex, SecretName, Validation, WorkspaceSecrets } from "./store.js";

// The embedded store: everything in the workspace's .leanos/checkpoints.sqlite, one connection
// shared by the checkpointer, the index and the claims (leases open their own, see leases.ts). This
// module holds all of it but the checkpointer (sqliteStore.ts adds it), so the commands that only
// read the index never load LangGraph.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS leanos_threads (
  thread TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, state TEXT NOT NULL, stage TEXT,
  next_due TEXT, pending_kind TEXT, impact REAL, updated_at TEXT NOT NULL, title TEXT NOT NULL,
  validated TEXT NOT NULL, pattern_key TEXT, needs_attribution INTEGER NOT NULL,
  opportunities INTEGER NOT NULL, open_opportunities INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS leanos_threads_state ON leanos_threads (state);
CREATE TABLE IF NOT EXISTS leanos_claims (thread TEXT PRIMARY KEY, id TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, claimed_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS leanos_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** The rows a pass reads (indexRow.ts needsReading, in SQL). */
const TO_READ =
  "(state <> 'done' OR needs_attribution = 1 OR open_opportunities = 1 OR (opportunities > 0 AND updated_at >= @since))";

interface StoredRow extends Omit<IndexRow, "validated" | "needs_attribution" | "open_opportunities"> {
  validated: string;
  needs_attribution: number;
  open_opportunities: number;
}

const toStored = (row: IndexRow): StoredRow => ({
  ...checkedRow(row),
  validated: JSON.stringify(row.validated),
  needs_attribution: row.needs_attribution ? 1 : 0,
  open_opportunities: row.open_opportunities ? 1 : 0,
});

const fromStored = (row: StoredRow): IndexRow =>
  checkedRow({
    ...row,
    validated: JSON.parse(row.validated) as unknown,
    needs_attribution: row.needs_attribution === 1,
    open_opportunities: row.open_opportunities === 1,
  });

const COLUMNS = INDEX_COLUMNS;
const INSERT = `INSERT OR REPLACE INTO leanos_threads (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((column) => `@${column}`).join(", ")})`;

export class SqliteIndex implements ThreadIndex {
  constructor(private readonly db: Database.Database) {}

  private all(sql: string, params: Record<string, unknown> | unknown[] = {}): IndexRow[] {
    return (this.db.prepare(sql).all(params) as StoredRow[]).map(fromStored);
  }

  async put(row: IndexRow): Promise<void> {
    this.db.prepare(INSERT).run(toStored(row));
  }

  async get(thread: string): Promise<IndexRow | undefined> {
    return this.all("SELECT * FROM leanos_threads WHERE thread = ?", [thread])[0];
  }

  async byId(id: string): Promise<IndexRow | undefined> {
    return this.all("SELECT * FROM leanos_threads WHERE id = ?", [id])[0];
  }

  async names(): Promise<string[]> {
    return this.db.prepare("SELECT thread FROM leanos_threads ORDER BY thread").pluck().all() as string[];
  }

  async rows(): Promise<IndexRow[]> {
    return this.all("SELECT * FROM leanos_threads ORDER BY thread");
  }

  async inStates(states: readonly IndexRow["state"][]): Promise<IndexRow[]> {
    return this.all(
      `SELECT * FROM leanos_threads WHERE state IN (${states.map(() => "?").join(", ")}) ORDER BY thread`,
      [...states],
    );
  }

  async toRead(recentSince: string): Promise<IndexRow[]> {
    return this.all(`SELECT * FROM leanos_threads WHERE ${TO_READ} ORDER BY thread`, { since: recentSince });
  }

  async idleCounts(recentSince: string): Promise<Array<{ type: ThreadType; count: number }>> {
    return this.db
      .prepare(`SELECT type, count(*) AS count FROM leanos_threads WHERE NOT ${TO_READ} GROUP BY type ORDER BY type`)
      .all({ since: recentSince }) as Array<{
      type: ThreadType;
      count: number;
    }>;
  }

  async validations(atLeast: number, limit: number): Promise<Validation[]> {
    const counted = this.db
      .prepare(
        "SELECT v.value AS assumption, count(*) AS count FROM leanos_threads t, json_each(t.validated) v WHERE t.type = 'sales' GROUP BY v.value HAVING count(*) >= ? ORDER BY v.value",
      )
      .all(atLeast) as Array<{ assumption: string; count: number }>;
    const sources = this.db
      .prepare(
        "SELECT t.thread FROM leanos_threads t, json_each(t.validated) v WHERE t.type = 'sales' AND v.value = ? ORDER BY t.thread LIMIT ?",
      )
      .pluck();
    return counted.map((entry) => ({ ...entry, sources: sources.all(entry.assumption, limit) as string[] }));
  }

  async patternKeys(): Promise<string[]> {
    return this.db
      .prepare("SELECT DISTINCT pattern_key FROM leanos_threads WHERE pattern_key IS NOT NULL ORDER BY pattern_key")
      .pluck()
      .all() as string[];
  }

  async namesOfType(type: ThreadType): Promise<string[]> {
    return this.db
      .prepare("SELECT thread FROM leanos_threads WHERE type = ? ORDER BY thread")
      .pluck()
      .all(type) as string[];
  }

  async putIfAbsent(row: IndexRow): Promise<void> {
    this.db.prepare(INSERT.replace("INSERT OR REPLACE", "INSERT OR IGNORE")).run(toStored(row));
  }

  async remove(thread: string): Promise<void> {
    this.db.prepare("DELETE FROM leanos_threads WHERE thread = ?").run(thread);
  }

  async markBuilt(): Promise<void> {
    this.db
      .prepare("INSERT OR REPLACE INTO leanos_info (key, value) VALUES ('index_built', ?)")
      .run(new Date().toISOString());
  }

  async isBuilt(): Promise<boolean> {
    return this.db.prepare("SELECT 1 FROM leanos_info WHERE key = 'index_built'").get() !== undefined;
  }
}

export class SqliteClaims implements SlugClaims {
  constructor(private readonly db: Database.Database) {}

  async claim(thread: string, id: string): Promise<boolean> {
    // The primary key makes the first claim win; a second claim by the same id (a retry) is its own.
    this.db
      .prepare("INSERT OR IGNORE INTO leanos_claims (thread, id, pid, host, claimed_ms) VALUES (?, ?, ?, ?, ?)")
      .run(thread, id, process.pid, hostname(), Date.now());
    return this.db.prepare("SELECT id FROM leanos_claims WHERE thread = ?").pluck().get(thread) === id;
  }

  async reclaim(thread: string, id: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare("SELECT id, pid, host, claimed_ms FROM leanos_claims WHERE thread = ?")
          .get(thread) as { id: string; pid: number; host: string; claimed_ms: number } | undefined;
        if (row && row.id !== id && !holderGone({ pid: row.pid, host: row.host, renewed_ms: row.claimed_ms }))
          return false;
        this.db
          .prepare("INSERT OR REPLACE INTO leanos_claims (thread, id, pid, host, claimed_ms) VALUES (?, ?, ?, ?, ?)")
          .run(thread, id, process.pid, hostname(), Date.now());
        return true;
      })
      .immediate();
  }
}

export class SqliteSecrets implements WorkspaceSecrets {
  constructor(private readonly db: Database.Database) {}

  async get(name: SecretName): Promise<string> {
    // The first process to ask makes it; every later one (in any process) reads that one.
    this.db
      .prepare("INSERT OR IGNORE INTO leanos_info (key, value) VALUES (?, ?)")
      .run(`secret:${name}`, randomBytes(32).toString("hex"));
    return this.db.prepare("SELECT value FROM leanos_info WHERE key = ?").pluck().get(`secret:${name}`) as string;
  }

  async set(name: SecretName, value: string): Promise<void> {
    this.db.prepare("INSERT OR REPLACE INTO leanos_info (key, value) VALUES (?, ?)").run(`secret:${name}`, value);
  }
}

/** The store without its checkpointer: the thread index, slug claims and leases. */
export class SqliteIndexStore implements IndexStore {
  readonly kind = "sqlite";
  readonly where: string;
  readonly readOnly: boolean;
  readonly leases: SqliteLeases;
  readonly claims: SqliteClaims;
  readonly index: SqliteIndex;
  readonly secrets: SqliteSecrets;
  protected readonly db: Database.Database;

  constructor(workspace: Pick<Workspace, "root" | "checkpointsPath">, use: DatabaseUse = {}) {
    const db = openDatabase(workspace.root, workspace.checkpointsPath, use);
    this.db = db;
    this.readOnly = db.readonly;
    // Both are no-ops on a database that has them, so a read-only one (database.ts) takes them too.
    db.pragma("journal_mode = WAL");
    db.exec(SCHEMA);
    this.where = relative(workspace.root, workspace.checkpointsPath);
    this.leases = new SqliteLeases(workspace.root, workspace.checkpointsPath);
    this.claims = new SqliteClaims(db);
    this.index = new SqliteIndex(db);
    this.secrets = new SqliteSecrets(db);
  }

  async checkpointedThreadIds(): Promise<string[]> {
    // The checkpointer makes its tables on first use; a store that never ran a graph has none.
    const made =
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints'").get() !== undefined;
    return made
      ? (this.db.prepare("SELECT DISTINCT thread_id FROM checkpoints ORDER BY thread_id").pluck().all() as string[])
      : [];
  }

  async close(): Promise<void> {
    // The handle is released so a test can delete the workspace.
    this.db.close();
  }
}
