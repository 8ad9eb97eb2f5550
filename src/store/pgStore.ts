import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { PostgresStore } from "@langchain/langgraph-checkpoint-postgres/store";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import pg from "pg";
import { shownUrl } from "./shownUrl.js";
import { holderGone } from "./leases.js";
import { createTables, inTransaction, PgLeases } from "./pgLeases.js";
import { PgIndex } from "./pgIndex.js";
import type { SlugClaims, SecretName, WorkspaceSecrets, WorkspaceStore } from "./store.js";

// The shared store: PostgreSQL, for workspaces run by several workers or machines. The thread index,
// the claims and the leases are tables shared by every workspace of the database, each row keyed by
// the workspace's id; LangGraph's checkpoints are in a schema of the workspace's own (the
// checkpointer's tables have no column for it), so two workspaces never see each other's threads.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS leanos_threads (
  workspace TEXT NOT NULL, thread TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL,
  stage TEXT, next_due TEXT, pending_kind TEXT, impact DOUBLE PRECISION, updated_at TEXT NOT NULL,
  title TEXT NOT NULL, validated JSONB NOT NULL, pattern_key TEXT, needs_attribution BOOLEAN NOT NULL,
  opportunities INTEGER NOT NULL, open_opportunities BOOLEAN NOT NULL,
  PRIMARY KEY (workspace, thread), UNIQUE (workspace, id)
);
CREATE INDEX IF NOT EXISTS leanos_threads_state ON leanos_threads (workspace, state);
CREATE TABLE IF NOT EXISTS leanos_claims (
  workspace TEXT NOT NULL, thread TEXT NOT NULL, id TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, claimed_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace, thread)
);
CREATE TABLE IF NOT EXISTS leanos_info (workspace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (workspace, key));
`;

/** The schema a workspace's checkpoints live in. */
export const checkpointSchemaOf = (workspaceId: string): string => `leanos_${workspaceId}`;

export class PgClaims implements SlugClaims {
  constructor(
    private readonly pool: pg.Pool,
    private readonly workspace: string,
    private readonly ready: () => Promise<void>,
  ) {}

  async claim(thread: string, id: string): Promise<boolean> {
    await this.ready();
    // The primary key makes the first claim win, on any machine; a retry by the same id is its own.
    await this.pool.query(
      "INSERT INTO leanos_claims (workspace, thread, id, pid, host, claimed_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
      [this.workspace, thread, id, process.pid, hostname(), Date.now()],
    );
    const found = await this.pool.query<{ id: string }>(
      "SELECT id FROM leanos_claims WHERE workspace = $1 AND thread = $2",
      [this.workspace, thread],
    );
    return found.rows[0]?.id === id;
  }

  async reclaim(thread: string, id: string): Promise<boolean> {
    await this.ready();
    return inTransaction(this.pool, async (client) => {
      const found = await client.query<{ id: string; pid: number; host: string; claimed_ms: string }>(
        "SELECT id, pid, host, claimed_ms FROM leanos_claims WHERE workspace = $1 AND thread = $2 FOR UPDATE",
        [this.workspace, thread],
      );
      const row = found.rows[0];
      if (row && row.id !== id && !holderGone({ pid: row.pid, host: row.host, renewed_ms: Number(row.claimed_ms) }))
        return false;
      await client.query(
        `INSERT INTO leanos_claims (workspace, thread, id, pid, host, claimed_ms) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace, thread) DO UPDATE SET id = $3, pid = $4, host = $5, claimed_ms = $6`,
        [this.workspace, thread, id, process.pid, hostname(), Date.now()],
      );
      return true;
    });
  }
}

export class PgSecrets implements WorkspaceSecrets {
  constructor(
    private readonly pool: pg.Pool,
    private readonly workspace: string,
    private readonly ready: () => Promise<void>,
  ) {}

  async get(name: SecretName): Promise<string> {
    await this.ready();
    // The first process to ask, on any machine, makes it; every later one reads that one.
    await this.pool.query(
      "INSERT INTO leanos_info (workspace, key, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [this.workspace, `secret:${name}`, randomBytes(32).toString("hex")],
    );
    const found = await this.pool.query<{ value: string }>(
      "SELECT value FROM leanos_info WHERE workspace = $1 AND key = $2",
      [this.workspace, `secret:${name}`],
    );
    return found.rows[0]!.value;
  }

  async set(name: SecretName, value: string): Promise<void> {
    await this.ready();
    await this.pool.query(
      "INSERT INTO leanos_info (workspace, key, value) VALUES ($1, $2, $3) ON CONFLICT (workspace, key) DO UPDATE SET value = EXCLUDED.value",
      [this.workspace, `secret:${name}`, value],
    );
  }
}

export class PgStore implements WorkspaceStore {
  readonly kind = "postgres";
  readonly where: string;
  readonly readOnly = false;
  readonly checkpointer: PostgresSaver;
  readonly leases: PgLeases;
  readonly claims: PgClaims;
  readonly index: PgIndex;
  readonly secrets: PgSecrets;
  /** Its tables are made on first use, in the workspace's own schema, beside its checkpoints. */
  readonly memory: PostgresStore;
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private prepared: Promise<void> | undefined;

  constructor(url: string, workspaceId: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 6 });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    this.pool.on("error", () => undefined);
    this.where = `${shownUrl(url)} (workspace ${workspaceId})`;
    this.schema = checkpointSchemaOf(workspaceId);
    this.checkpointer = new PostgresSaver(this.pool, undefined, { schema: this.schema });
    this.memory = new PostgresStore({ connectionOptions: { connectionString: url, max: 2 }, schema: this.schema });
    const ready = () => this.ready();
    this.leases = new PgLeases(this.pool, workspaceId);
    this.claims = new PgClaims(this.pool, workspaceId, ready);
    this.index = new PgIndex(this.pool, workspaceId, ready);
    this.secrets = new PgSecrets(this.pool, workspaceId, ready);
  }

  /** Creates the tables and the checkpoint schema once; concurrent first users are ordered by an advisory lock. */
  ready(): Promise<void> {
    this.prepared ??= (async () => {
      await createTables(this.pool, SCHEMA);
      await this.setupCheckpoints();
    })().catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  private async setupCheckpoints(): Promise<void> {
    // The checkpointer's own migrations are not safe to run twice at once: hold a session lock.
    const client = await this.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtext('leanos checkpoint migrations'))");
      await this.checkpointer.setup();
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('leanos checkpoint migrations'))").catch(() => undefined);
      client.release();
    }
  }

  async checkpointedThreadIds(): Promise<string[]> {
    await this.ready();
    return (
      await this.pool.query<{ thread_id: string }>(
        `SELECT DISTINCT thread_id FROM "${this.schema}".checkpoints ORDER BY thread_id`,
      )
    ).rows.map((row) => row.thread_id);
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.memory.stop()]);
  }
}
