import type Database from "better-sqlite3";
import {
  BaseStore,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
  validateNamespace,
} from "@langchain/langgraph-checkpoint";

// LangGraph's long-term store (BaseStore) over the workspace's own SQLite database: what the
// workspace remembers across threads (issue 27: examples and rules people confirmed). No maintained
// package provides one for JavaScript (@langchain/langgraph-checkpoint-sqlite has a checkpointer
// only); PostgreSQL workspaces use PostgresStore from the checkpoint package for PostgreSQL. One database file is one
// workspace, so its namespaces are the workspace's own.

const TABLE = `CREATE TABLE IF NOT EXISTS leanos_memory (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (namespace, key)
)`;

/** Namespace labels never hold a period (LangGraph's rule), so joined with one they split back. */
const joined = (namespace: readonly string[]): string => namespace.join(".");
const split = (namespace: string): string[] => (namespace === "" ? [] : namespace.split("."));

interface Row {
  namespace: string;
  key: string;
  value: string;
  created_at: string;
  updated_at: string;
}

const itemOf = (row: Row): Item => ({
  namespace: split(row.namespace),
  key: row.key,
  value: JSON.parse(row.value) as Record<string, unknown>,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** Whether `value` matches every condition of `filter` (equal values; nested objects compared whole). */
function matches(value: Record<string, unknown>, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([field, wanted]) => JSON.stringify(value[field]) === JSON.stringify(wanted));
}

/** How many of the query's words the value's text holds: a plain lexical score (no embeddings here). */
function scoreOf(value: Record<string, unknown>, query: string | undefined): number | undefined {
  if (!query?.trim()) return undefined;
  const text = JSON.stringify(value).toLowerCase();
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  return words.length === 0 ? 0 : words.filter((word) => text.includes(word)).length / words.length;
}

export class SqliteMemoryStore extends BaseStore {
  private prepared = false;

  constructor(private readonly db: Database.Database) {
    super();
  }

  /** Whether the table is there; a workspace that has remembered nothing (or cannot be written) has none. */
  private ready(writing: boolean): boolean {
    if (this.prepared) return true;
    if (writing) this.db.exec(TABLE);
    this.prepared =
      writing ||
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leanos_memory'").get() !==
        undefined;
    return this.prepared;
  }

  async batch<Op extends readonly Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    // Reading creates nothing, so a command that only reads writes no byte of the workspace.
    if (!this.ready(operations.some((operation) => "value" in operation))) {
      return operations.map((operation) =>
        "namespacePrefix" in operation || !("key" in operation) ? [] : null,
      ) as OperationResults<Op>;
    }
    // One transaction: a batch's puts land together or not at all.
    const run = this.db.transaction(() => operations.map((operation) => this.one(operation)));
    return run() as OperationResults<Op>;
  }

  private one(operation: Operation): Item | null | SearchItem[] | string[][] | undefined {
    if ("value" in operation) {
      this.putOne(operation);
      return undefined;
    }
    if ("namespacePrefix" in operation) return this.searchOne(operation);
    if ("key" in operation) return this.getOne(operation);
    return this.namespacesOne(operation);
  }

  private getOne(operation: GetOperation): Item | null {
    const row = this.db
      .prepare("SELECT * FROM leanos_memory WHERE namespace = ? AND key = ?")
      .get(joined(operation.namespace), operation.key) as Row | undefined;
    return row ? itemOf(row) : null;
  }

  private putOne(operation: PutOperation): void {
    validateNamespace(operation.namespace);
    const namespace = joined(operation.namespace);
    if (operation.value === null) {
      this.db.prepare("DELETE FROM leanos_memory WHERE namespace = ? AND key = ?").run(namespace, operation.key);
      return;
    }
    const now = new Date().toISOString();
    this.db
      .prepare(
        "INSERT INTO leanos_memory (namespace, key, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      )
      .run(namespace, operation.key, JSON.stringify(operation.value), now, now);
  }

  private rowsUnder(prefix: readonly string[]): Row[] {
    if (prefix.length === 0)
      return this.db.prepare("SELECT * FROM leanos_memory ORDER BY namespace, key").all() as Row[];
    const exact = joined(prefix);
    // substr, not LIKE: a label's own % or _ is not a wildcard.
    return this.db
      .prepare("SELECT * FROM leanos_memory WHERE namespace = ? OR substr(namespace, 1, ?) = ? ORDER BY namespace, key")
      .all(exact, exact.length + 1, `${exact}.`) as Row[];
  }

  private searchOne(operation: SearchOperation): SearchItem[] {
    const found = this.rowsUnder(operation.namespacePrefix)
      .map(itemOf)
      .filter((item) => matches(item.value, operation.filter))
      .map((item) => {
        const score = scoreOf(item.value, operation.query);
        return score === undefined ? item : { ...item, score };
      });
    const ranked = operation.query?.trim()
      ? found.sort(
          (a, b) =>
            (b as SearchItem).score! - (a as SearchItem).score! || b.updatedAt.getTime() - a.updatedAt.getTime(),
        )
      : found;
    const offset = operation.offset ?? 0;
    return ranked.slice(offset, offset + (operation.limit ?? 10));
  }

  private namespacesOne(operation: ListNamespacesOperation): string[][] {
    const all = (
      this.db.prepare("SELECT DISTINCT namespace FROM leanos_memory ORDER BY namespace").pluck().all() as string[]
    ).map(split);
    const fits = (namespace: string[]) =>
      (operation.matchConditions ?? []).every((condition) => {
        const part =
          condition.matchType === "prefix"
            ? namespace.slice(0, condition.path.length)
            : namespace.slice(-condition.path.length);
        return (
          part.length === condition.path.length &&
          condition.path.every((label, index) => label === "*" || label === part[index])
        );
      });
    const depthed = all
      .filter(fits)
      .map((namespace) => (operation.maxDepth !== undefined ? namespace.slice(0, operation.maxDepth) : namespace));
    const unique = [...new Map(depthed.map((namespace) => [joined(namespace), namespace])).values()];
    return unique.slice(operation.offset ?? 0, (operation.offset ?? 0) + (operation.limit ?? 100));
  }
}
