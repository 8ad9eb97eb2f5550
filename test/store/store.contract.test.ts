import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readEvent } from "../../src/stages/readEvent.js";
import { Runtime } from "../../src/runtime/engine.js";
import { disagreements, reindex } from "../../src/runtime/reindex.js";
import { indexRowOf, type IndexRow } from "../../src/store/indexRow.js";
import { PgStore } from "../../src/store/pgStore.js";
import { SqliteStore } from "../../src/store/sqliteStore.js";
import type { WorkspaceStore } from "../../src/store/store.js";
import { sampleCopy, tempDir } from "../helpers.js";

// One store contract, two backends: the workspace's SQLite file and PostgreSQL (where
// LEANOS_TEST_DATABASE_URL names a server; .ci/run and `npm run test:pg` start one). Leases have
// their own contract test (leases.contract.test.ts), killed holders included.

const databaseUrl = process.env.LEANOS_TEST_DATABASE_URL;
const opened: WorkspaceStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});

const dist = join(import.meta.dirname, "..", "..", "dist");

/** Claims `thread` for `id` in another process, which then exits: a start killed before its folder was made. */
function claimElsewhere(backend: Backend, store: WorkspaceStore, thread: string, id: string): void {
  const script = `${backend.openElsewhere(store)} await store.claims.claim(${JSON.stringify(thread)}, ${JSON.stringify(id)}); await store.close();`;
  execFileSync(process.execPath, ["--input-type=module", "-e", script]);
}

const newWorkspaceId = (): string => `ws_${randomUUID().replace(/-/g, "").slice(0, 12)}`;

interface Backend {
  name: string;
  open(): Promise<WorkspaceStore>;
  /** A line of JavaScript that opens the same store as `store` in another process, as `store`. */
  openElsewhere(store: WorkspaceStore): string;
  /** A second connection to the same store, as another process would have. */
  again(store: WorkspaceStore): Promise<WorkspaceStore>;
  /** What a workspace's config says to keep its state here. */
  config(): string;
}

const sqliteRoots = new Map<WorkspaceStore, string>();
const sqlite: Backend = {
  name: "SQLite",
  open: async () => {
    const root = await tempDir("leanos-store-");
    const store = new SqliteStore({ root, checkpointsPath: join(root, "checkpoints.sqlite") });
    sqliteRoots.set(store, root);
    opened.push(store);
    return store;
  },
  openElsewhere: (store) => {
    const root = sqliteRoots.get(store)!;
    return `const { SqliteStore } = await import(${JSON.stringify(join(dist, "store", "sqliteStore.js"))}); const store = new SqliteStore({ root: ${JSON.stringify(root)}, checkpointsPath: ${JSON.stringify(join(root, "checkpoints.sqlite"))} });`;
  },
  again: async (store) => {
    const root = sqliteRoots.get(store)!;
    const other = new SqliteStore({ root, checkpointsPath: join(root, "checkpoints.sqlite") });
    opened.push(other);
    return other;
  },
  config: () => "",
};

const pgIds = new Map<WorkspaceStore, string>();
const postgres: Backend = {
  name: "PostgreSQL",
  open: async () => {
    const id = newWorkspaceId();
    const store = new PgStore(databaseUrl!, id);
    await store.ready();
    pgIds.set(store, id);
    opened.push(store);
    return store;
  },
  openElsewhere: (store) =>
    `const { PgStore } = await import(${JSON.stringify(join(dist, "store", "pgStore.js"))}); const store = new PgStore(${JSON.stringify(databaseUrl)}, ${JSON.stringify(pgIds.get(store))}); await store.ready();`,
  again: async (store) => {
    const other = new PgStore(databaseUrl!, pgIds.get(store)!);
    await other.ready();
    opened.push(other);
    return other;
  },
  config: () => `database_url: ${databaseUrl}\nworkspace_id: ${newWorkspaceId()}\n`,
};

function row(thread: string, change: Partial<IndexRow> = {}): IndexRow {
  return {
    id: randomUUID(),
    thread,
    type: thread.split("/")[0] as IndexRow["type"],
    state: "done",
    stage: "learning",
    next_due: null,
    pending_kind: null,
    impact: 0.5,
    updated_at: "2026-01-01T00:00:00.000Z",
    title: thread,
    validated: [],
    pattern_key: null,
    needs_attribution: false,
    opportunities: 0,
    open_opportunities: false,
    ...change,
  };
}

describe.each([sqlite, ...(databaseUrl ? [postgres] : [])])("the store on $name", (backend) => {
  it("claims a thread name for one thread id only, across connections", async () => {
    const store = await backend.open();
    const other = await backend.again(store);
    const [first, second] = [randomUUID(), randomUUID()];
    expect(await store.claims.claim("sales/acme", first)).toBe(true);
    expect(await other.claims.claim("sales/acme", second)).toBe(false);
    // A retry by the same thread id (a start cut short) takes its own claim up.
    expect(await other.claims.claim("sales/acme", first)).toBe(true);
    const racers = Array.from({ length: 12 }, () => randomUUID());
    const won = await Promise.all(
      racers.map((id, index) => (index % 2 === 0 ? store : other).claims.claim("sales/contested", id)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it("lets a name whose claimant died be claimed again, and never one whose claimant lives", async () => {
    const store = await backend.open();
    const live = randomUUID();
    expect(await store.claims.claim("sales/live", live)).toBe(true);
    expect(await (await backend.again(store)).claims.reclaim("sales/live", randomUUID())).toBe(false);
    claimElsewhere(backend, store, "sales/killed", "killed-start");
    const retry = randomUUID();
    expect(await store.claims.claim("sales/killed", retry)).toBe(false);
    expect(await store.claims.reclaim("sales/killed", retry)).toBe(true);
    expect(await store.claims.claim("sales/killed", retry)).toBe(true);
    expect(await (await backend.again(store)).claims.reclaim("sales/killed", randomUUID())).toBe(false);
  });

  it("keeps one row per thread, found by name, by id, by state and by what a pass must read", async () => {
    const store = await backend.open();
    const waiting = row("sales/waits", { state: "waiting", pending_kind: "impact", impact: 0.9 });
    await store.index.put(waiting);
    await store.index.put(row("sales/done-old"));
    await store.index.put(
      row("marketing/done-recent-opportunity", { opportunities: 1, updated_at: "2026-11-25T00:00:00.000Z" }),
    );
    await store.index.put(row("sales/lead", { needs_attribution: true }));
    await store.index.put(row("business/scheduled", { state: "scheduled", next_due: "2026-12-01" }));
    // A second put of a thread replaces its row.
    await store.index.put({ ...waiting, impact: 0.95 });
    expect((await store.index.get("sales/waits"))?.impact).toBe(0.95);
    expect((await store.index.byId(waiting.id))?.thread).toBe("sales/waits");
    expect(await store.index.names()).toEqual([
      "business/scheduled",
      "marketing/done-recent-opportunity",
      "sales/done-old",
      "sales/lead",
      "sales/waits",
    ]);
    expect((await store.index.inStates(["waiting", "scheduled"])).map((found) => found.thread)).toEqual([
      "business/scheduled",
      "sales/waits",
    ]);
    const since = "2026-11-20T00:00:00.000Z";
    expect((await store.index.toRead(since)).map((found) => found.thread)).toEqual([
      "business/scheduled",
      "marketing/done-recent-opportunity",
      "sales/lead",
      "sales/waits",
    ]);
    expect(await store.index.idleCounts(since)).toEqual([{ type: "sales", count: 1 }]);
    expect(await store.index.namesOfType("marketing")).toEqual(["marketing/done-recent-opportunity"]);
    await store.index.putIfAbsent({ ...waiting, state: "done" });
    expect((await store.index.get("sales/waits"))?.state).toBe("waiting");
    await store.index.remove("sales/done-old");
    expect(await store.index.get("sales/done-old")).toBeUndefined();
    expect(await (await backend.again(store)).index.get("sales/waits")).toEqual({ ...waiting, impact: 0.95 });
  });

  it("counts validations across sales threads and remembers the patterns taken", async () => {
    const store = await backend.open();
    for (const [index, validated] of [["A1", "A2"], ["A1"], ["A1", "A2"], ["A2"], ["A1"]].entries())
      await store.index.put(row(`sales/deal-${index}`, { validated }));
    await store.index.put(row("marketing/campaign", { validated: ["A1"], pattern_key: "validated:A9" }));
    expect(await store.index.validations(3, 2)).toEqual([
      { assumption: "A1", count: 4, sources: ["sales/deal-0", "sales/deal-1"] },
      { assumption: "A2", count: 3, sources: ["sales/deal-0", "sales/deal-2"] },
    ]);
    expect(await store.index.validations(4, 10)).toEqual([
      { assumption: "A1", count: 4, sources: ["sales/deal-0", "sales/deal-1", "sales/deal-2", "sales/deal-4"] },
    ]);
    expect(await store.index.patternKeys()).toEqual(["validated:A9"]);
  });

  it("records that the index was built", async () => {
    const store = await backend.open();
    expect(await store.index.isBuilt()).toBe(false);
    await store.index.markBuilt();
    expect(await (await backend.again(store)).index.isBuilt()).toBe(true);
  });

  it("finds every disagreement between the index and the thread folders, and reindex mends them", async () => {
    const workspace = await sampleCopy();
    await appendFile(join(workspace, ".leanos", "config.yaml"), `\n${backend.config()}`);
    const runtime = await Runtime.open({ workspace, provider: "offline", now: () => new Date("2026-11-27T09:00:00Z") });
    try {
      expect(runtime.store.kind).toBe(backend === sqlite ? "sqlite" : "postgres");
      const { thread } = await runtime.startEvent(
        await readEvent({ file: join(workspace, "events", "01-elsaai-deal-closed.md"), today: "2026-11-27" }),
      );
      const second = await runtime.startEvent(
        await readEvent({ text: "Lost the Zeta deal: price decided it", today: "2026-11-27" }),
      );
      expect(disagreements(await reindex(runtime, { check: true }))).toBe(0);
      const truth = indexRowOf(await runtime.metas.read(thread));
      await runtime.store.index.put({ ...truth, state: "done", pending_kind: null });
      await runtime.store.index.remove(second.thread);
      await runtime.store.index.put(row("sales/no-folder"));
      const checked = await reindex(runtime, { check: true });
      expect(checked).toMatchObject({
        missing: [second.thread],
        differing: [{ thread, fields: ["state", "pending_kind"] }],
        orphaned: ["sales/no-folder"],
        mended: false,
      });
      expect(await runtime.store.index.get("sales/no-folder")).toBeDefined();
      const mended = await reindex(runtime);
      expect(disagreements(mended)).toBe(3);
      expect(await runtime.store.index.get(thread)).toEqual(truth);
      expect(disagreements(await reindex(runtime, { check: true }))).toBe(0);
      expect((await runtime.pending()).map((item) => item.thread)).toContain(thread);
    } finally {
      await runtime.close();
    }
  });
});

describe.skipIf(!databaseUrl)("workspaces sharing one PostgreSQL database", () => {
  it("never see each other's threads or claims", async () => {
    const one = await postgres.open();
    const two = await postgres.open();
    await one.index.put(row("sales/same-name"));
    expect(await two.index.get("sales/same-name")).toBeUndefined();
    expect(await two.index.names()).toEqual([]);
    expect(await one.claims.claim("sales/same-name", randomUUID())).toBe(true);
    expect(await two.claims.claim("sales/same-name", randomUUID())).toBe(true);
  });
});
