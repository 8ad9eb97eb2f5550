import { hostname } from "node:os";
import pg from "pg";
import { holderGone, RENEW_MS, type HeldLease, type LeaseHolder, type LeaseStore } from "./leases.js";

// Leases in PostgreSQL, for workspaces whose runtime state is shared by several machines: a row per
// held lease, keyed by workspace and name, renewed by its holder and taken over when the holder is
// gone (its process died on this machine, or it stopped renewing). Acquirers of one name are
// serialized by a transaction-scoped advisory lock, so two can never both see it free.

const SCHEMA = `CREATE TABLE IF NOT EXISTS leanos_leases (
  workspace TEXT NOT NULL,
  name TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  since TEXT NOT NULL,
  renewed_ms BIGINT NOT NULL,
  PRIMARY KEY (workspace, name)
)`;

/** Runs `work` in one transaction on one connection: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Runs DDL (CREATE ... IF NOT EXISTS): two processes creating tables at once may race on the catalog, so an advisory lock orders them. */
export function createTables(pool: pg.Pool, ddl: string): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('leanos schema'))");
    await client.query(ddl);
  });
}

export class PgLeases implements LeaseStore {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    /** Rows of other workspaces in the same database are never seen. */
    private readonly workspace: string,
  ) {}

  static connect(url: string, workspace: string): PgLeases {
    return new PgLeases(new pg.Pool({ connectionString: url, max: 4 }), workspace);
  }

  private schema(): Promise<void> {
    this.ready ??= createTables(this.pool, SCHEMA).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async recorded(name: string): Promise<boolean> {
    await this.schema();
    return (
      (await this.pool.query("SELECT 1 FROM leanos_leases WHERE workspace = $1 AND name = $2", [this.workspace, name]))
        .rows.length > 0
    );
  }

  async acquire(name: string): Promise<HeldLease | LeaseHolder> {
    await this.schema();
    const holder = await inTransaction(this.pool, async (client): Promise<LeaseHolder | undefined> => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${this.workspace}\n${name}`]);
      const found = await client.query<{ pid: number; host: string; since: string; renewed_ms: string }>(
        "SELECT pid, host, since, renewed_ms FROM leanos_leases WHERE workspace = $1 AND name = $2",
        [this.workspace, name],
      );
      const row = found.rows[0];
      const now = Date.now();
      if (row && !holderGone({ pid: row.pid, host: row.host, renewed_ms: Number(row.renewed_ms) }, now))
        return { pid: row.pid, host: row.host, since: row.since };
      await client.query(
        `INSERT INTO leanos_leases (workspace, name, pid, host, since, renewed_ms) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace, name) DO UPDATE SET pid = $3, host = $4, since = $5, renewed_ms = $6`,
        [this.workspace, name, process.pid, hostname(), new Date(now).toISOString(), now],
      );
      return undefined;
    });
    if (holder) return holder;
    const mine = [this.workspace, name, process.pid, hostname()];
    const timer = setInterval(() => {
      this.pool
        .query(
          "UPDATE leanos_leases SET renewed_ms = $5 WHERE workspace = $1 AND name = $2 AND pid = $3 AND host = $4",
          [...mine, Date.now()],
        )
        .catch(() => undefined);
    }, RENEW_MS);
    timer.unref();
    return {
      release: async () => {
        clearInterval(timer);
        await this.pool.query(
          "DELETE FROM leanos_leases WHERE workspace = $1 AND name = $2 AND pid = $3 AND host = $4",
          mine,
        );
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
