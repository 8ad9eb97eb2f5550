import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rememberExample, type Example } from "../../src/memory/examples.js";
import { PgStore } from "../../src/store/pgStore.js";
import { SqliteStore } from "../../src/store/sqliteStore.js";
import type { WorkspaceStore } from "../../src/store/store.js";
import { tempDir } from "../helpers.js";

// What a workspace remembers across threads (LangGraph's BaseStore), one contract on both backends:
// the workspace's SQLite file (leanos's own store, src/store/sqliteMemory.ts) and PostgreSQL (the
// Postgres package's PostgresStore, in the workspace's own schema; where LEANOS_TEST_DATABASE_URL
// names a server).

const databaseUrl = process.env.LEANOS_TEST_DATABASE_URL;
const opened: WorkspaceStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});

interface Backend {
  name: string;
  /** A new workspace's store, and a second connection to the same workspace. */
  open(): Promise<{ store: WorkspaceStore; again: () => Promise<WorkspaceStore> }>;
}

const keep = <T extends WorkspaceStore>(store: T): T => (opened.push(store), store);

const sqlite: Backend = {
  name: "SQLite",
  open: async () => {
    const root = await tempDir("leanos-memory-");
    const at = { root, checkpointsPath: join(root, "checkpoints.sqlite") };
    return { store: keep(new SqliteStore(at)), again: async () => keep(new SqliteStore(at)) };
  },
};

const postgres: Backend = {
  name: "PostgreSQL",
  open: async () => {
    const id = `ws_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const made = async () => {
      const store = keep(new PgStore(databaseUrl!, id));
      await store.ready();
      return store;
    };
    return { store: await made(), again: made };
  },
};

const EXAMPLES = ["memory", "examples"];

for (const backend of [sqlite, ...(databaseUrl ? [postgres] : [])]) {
  describe(`the workspace's memory on ${backend.name}`, () => {
    it("keeps an item by namespace and key, replaces it, and forgets it", async () => {
      const { store, again } = await backend.open();
      await store.memory.put(EXAMPLES, "ex-1", {
        event: "Supplier price list: prices up 18%",
        type: "business",
        by: "bella",
      });
      expect(await store.memory.get(EXAMPLES, "ex-1")).toMatchObject({
        namespace: EXAMPLES,
        key: "ex-1",
        value: { type: "business", by: "bella" },
      });
      await store.memory.put(EXAMPLES, "ex-1", {
        event: "Supplier price list: prices up 18%",
        type: "sales",
        by: "bella",
      });
      // Another process sees what one wrote.
      expect((await (await again()).memory.get(EXAMPLES, "ex-1"))?.value).toMatchObject({ type: "sales" });
      await store.memory.delete(EXAMPLES, "ex-1");
      expect(await store.memory.get(EXAMPLES, "ex-1")).toBeNull();
    });

    it("searches under a namespace prefix, filtered by values", async () => {
      const { store } = await backend.open();
      await store.memory.put(EXAMPLES, "a", { kind: "example", type: "sales", text: "Acme signed" });
      await store.memory.put(EXAMPLES, "b", { kind: "example", type: "business", text: "Supplier prices rise" });
      await store.memory.put(["memory", "rules"], "r", { kind: "rule", text: "a supplier price rise challenges A4" });
      // (PostgresStore reads a prefix as text: ["memory"] would take in ["memoryless"] too. leanos's
      // namespaces are fixed and none is the start of another.)
      await store.memory.put(["elsewhere"], "x", { kind: "example", type: "sales" });
      expect((await store.memory.search(EXAMPLES)).map((item) => item.key).sort()).toEqual(["a", "b"]);
      expect((await store.memory.search(["memory"])).map((item) => item.key).sort()).toEqual(["a", "b", "r"]);
      expect((await store.memory.search(["memory"], { filter: { type: "business" } })).map((item) => item.key)).toEqual(
        ["b"],
      );
      expect((await store.memory.search(["memory"], { limit: 1 })).length).toBe(1);
      expect(
        (await store.memory.listNamespaces({ prefix: ["memory"] })).map((namespace) => namespace.join("/")).sort(),
      ).toEqual(["memory/examples", "memory/rules"]);
    });

    it("belongs to one workspace: another workspace on the same backend sees none of it", async () => {
      const one = await backend.open();
      const other = await backend.open();
      await one.store.memory.put(EXAMPLES, "mine", { type: "sales" });
      expect(await other.store.memory.get(EXAMPLES, "mine")).toBeNull();
      expect(await other.store.memory.search(["memory"])).toEqual([]);
    });

    it("refuses a namespace label with a period, which would read as two", async () => {
      const { store } = await backend.open();
      await expect(store.memory.put(["memory", "a.b"], "k", { v: 1 })).rejects.toThrow();
    });
  });
}

describe.skipIf(!databaseUrl)("two workspaces on one PostgreSQL database", () => {
  const example = (thread: string, event: string): Example => ({
    kind: "example",
    thread,
    event,
    read: { type: "business", assumptions: [], facts: [] },
    final: { type: "sales", assumptions: [], facts: [] },
    judged: "corrected",
    by: "bella",
    at: "2026-11-20T10:00:00.000Z",
  });

  it("each see only their own memory: search, get and forget never reach the other's", async () => {
    const [one, other] = await Promise.all([postgres.open(), postgres.open()]);
    await rememberExample(one.store.memory, "ex-one", example("sales/2026-11-acme", "Acme signed"));
    await rememberExample(other.store.memory, "ex-other", example("business/2026-11-supplier", "Supplier prices rise"));

    expect((await one.store.memory.search(EXAMPLES)).map((item) => item.key)).toEqual(["ex-one"]);
    expect((await other.store.memory.search(EXAMPLES)).map((item) => item.key)).toEqual(["ex-other"]);
    expect(await one.store.memory.get(EXAMPLES, "ex-other")).toBeNull();
    expect(await other.store.memory.get(EXAMPLES, "ex-one")).toBeNull();
    // The same key in both: each keeps its own value.
    await rememberExample(other.store.memory, "ex-one", example("business/2026-11-elsewhere", "Elsewhere"));
    expect((await one.store.memory.get(EXAMPLES, "ex-one"))?.value).toMatchObject({ thread: "sales/2026-11-acme" });

    // Forgetting (what `leanos memory forget` does) in one leaves the other as it was, as another
    // connection to the other reads it; forgetting the other's key in one touches nothing.
    await one.store.memory.delete(EXAMPLES, "ex-one");
    await one.store.memory.delete(EXAMPLES, "ex-other");
    expect(await one.store.memory.search(EXAMPLES)).toEqual([]);
    const otherAgain = await other.again();
    expect((await otherAgain.memory.search(EXAMPLES)).map((item) => item.key).sort()).toEqual(["ex-one", "ex-other"]);
    expect((await otherAgain.memory.get(EXAMPLES, "ex-one"))?.value).toMatchObject({
      thread: "business/2026-11-elsewhere",
    });
  });
});
