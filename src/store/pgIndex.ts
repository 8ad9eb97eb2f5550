import type pg from "pg";
import type { ThreadType } from "../core/stageSchemas.js";
import { checkedRow, INDEX_COLUMNS, type IndexRow } from "./indexRow.js";
import type { ThreadIndex, Validation } from "./store.js";

// The thread index in PostgreSQL (pgStore.ts): one row per thread in leanos_threads, shared by every
// workspace of the database and keyed by the workspace's id.

/** The rows a pass reads (indexRow.ts needsReading, in SQL). */
const TO_READ =
  "(state <> 'done' OR needs_attribution OR open_opportunities OR (opportunities > 0 AND updated_at >= $2))";
const COLUMNS = INDEX_COLUMNS;
const INSERT = `INSERT INTO leanos_threads (workspace, ${COLUMNS.join(", ")}) VALUES ($1, ${COLUMNS.map((_, index) => `$${index + 2}`).join(", ")})`;
const UPSERT = `${INSERT} ON CONFLICT (workspace, thread) DO UPDATE SET ${COLUMNS.filter(
  (column) => column !== "thread",
)
  .map((column) => `${column} = EXCLUDED.${column}`)
  .join(", ")}`;

const valuesOf = (row: IndexRow): unknown[] => {
  const parsed = checkedRow(row);
  return COLUMNS.map((column) => (column === "validated" ? JSON.stringify(parsed.validated) : parsed[column]));
};
const fromStored = (row: Record<string, unknown>): IndexRow =>
  checkedRow(Object.fromEntries(COLUMNS.map((column) => [column, row[column]])));

export class PgIndex implements ThreadIndex {
  constructor(
    private readonly pool: pg.Pool,
    private readonly workspace: string,
    private readonly ready: () => Promise<void>,
  ) {}

  private async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    await this.ready();
    return (await this.pool.query<T>(sql, [this.workspace, ...params])).rows;
  }

  private async select(where: string, params: unknown[] = []): Promise<IndexRow[]> {
    return (
      await this.query(`SELECT * FROM leanos_threads WHERE workspace = $1 AND ${where} ORDER BY thread`, params)
    ).map(fromStored);
  }

  async put(row: IndexRow): Promise<void> {
    await this.query(UPSERT, valuesOf(row));
  }

  async get(thread: string): Promise<IndexRow | undefined> {
    return (await this.select("thread = $2", [thread]))[0];
  }

  async byId(id: string): Promise<IndexRow | undefined> {
    return (await this.select("id = $2", [id]))[0];
  }

  async names(): Promise<string[]> {
    return (
      await this.query<{ thread: string }>("SELECT thread FROM leanos_threads WHERE workspace = $1 ORDER BY thread")
    ).map((row) => row.thread);
  }

  rows(): Promise<IndexRow[]> {
    return this.select("TRUE");
  }

  inStates(states: readonly IndexRow["state"][]): Promise<IndexRow[]> {
    return this.select("state = ANY($2)", [[...states]]);
  }

  toRead(recentSince: string): Promise<IndexRow[]> {
    return this.select(TO_READ, [recentSince]);
  }

  async idleCounts(recentSince: string): Promise<Array<{ type: ThreadType; count: number }>> {
    const rows = await this.query<{ type: ThreadType; count: string }>(
      `SELECT type, count(*) AS count FROM leanos_threads WHERE workspace = $1 AND NOT ${TO_READ} GROUP BY type ORDER BY type`,
      [recentSince],
    );
    return rows.map((row) => ({ type: row.type, count: Number(row.count) }));
  }

  async validations(atLeast: number, limit: number): Promise<Validation[]> {
    const counted = await this.query<{ assumption: string; count: string }>(
      `SELECT v AS assumption, count(*) AS count FROM leanos_threads, jsonb_array_elements_text(validated) v
       WHERE workspace = $1 AND type = 'sales' GROUP BY v HAVING count(*) >= $2 ORDER BY v`,
      [atLeast],
    );
    const result: Validation[] = [];
    for (const entry of counted) {
      const sources = await this.query<{ thread: string }>(
        "SELECT thread FROM leanos_threads WHERE workspace = $1 AND type = 'sales' AND validated ? $2 ORDER BY thread LIMIT $3",
        [entry.assumption, limit],
      );
      result.push({
        assumption: entry.assumption,
        count: Number(entry.count),
        sources: sources.map((row) => row.thread),
      });
    }
    return result;
  }

  async patternKeys(): Promise<string[]> {
    const rows = await this.query<{ pattern_key: string }>(
      "SELECT DISTINCT pattern_key FROM leanos_threads WHERE workspace = $1 AND pattern_key IS NOT NULL ORDER BY pattern_key",
    );
    return rows.map((row) => row.pattern_key);
  }

  async namesOfType(type: ThreadType): Promise<string[]> {
    return (
      await this.query<{ thread: string }>(
        "SELECT thread FROM leanos_threads WHERE workspace = $1 AND type = $2 ORDER BY thread",
        [type],
      )
    ).map((row) => row.thread);
  }

  async putIfAbsent(row: IndexRow): Promise<void> {
    await this.query(`${INSERT} ON CONFLICT DO NOTHING`, valuesOf(row));
  }

  async remove(thread: string): Promise<void> {
    await this.query("DELETE FROM leanos_threads WHERE workspace = $1 AND thread = $2", [thread]);
  }

  async markBuilt(): Promise<void> {
    await this.query(
      "INSERT INTO leanos_info (workspace, key, value) VALUES ($1, 'index_built', $2) ON CONFLICT (workspace, key) DO UPDATE SET value = EXCLUDED.value",
      [new Date().toISOString()],
    );
  }

  async isBuilt(): Promise<boolean> {
    return (await this.query("SELECT 1 FROM leanos_info WHERE workspace = $1 AND key = 'index_built'")).length > 0;
  }
}
