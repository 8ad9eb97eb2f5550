import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { UsageError } from "../../src/errors.js";
import { EXAMPLES, RULES, rememberExample, type Example } from "../../src/memory/examples.js";
import { Rule } from "../../src/memory/rules.js";
import { Runtime } from "../../src/runtime/engine.js";
import { formatMigration, migrateStore } from "../../src/runtime/migrateStore.js";
import { PgStore } from "../../src/store/pgStore.js";
import { SqliteStore } from "../../src/store/sqliteStore.js";
import type { WorkspaceStore } from "../../src/store/store.js";
import { eventFile, runCli, sampleCopy, tempDir } from "../helpers.js";
import { withLeanos } from "../library.js";

// leanos migrate-store: a workspace's runtime state (checkpoints, index, claims) copied to another
// store, so its threads go on from where they were. The copy itself is checked SQLite to SQLite in
// every run; the CLI round trip SQLite -> PostgreSQL -> SQLite where LEANOS_TEST_DATABASE_URL names a server.

const databaseUrl = process.env.LEANOS_TEST_DATABASE_URL;
const NOW = "2026-11-27T09:00:00Z";

const otherStore = async (): Promise<WorkspaceStore> => {
  const root = await tempDir("leanos-migrate-");
  await mkdir(join(root, ".leanos"));
  return new SqliteStore({ root, checkpointsPath: join(root, ".leanos", "checkpoints.sqlite") });
};

const stateOf = async (store: WorkspaceStore, id: string) => {
  const tuples = [];
  for await (const tuple of store.checkpointer.list({ configurable: { thread_id: id } }))
    tuples.push({ id: tuple.checkpoint.id, values: tuple.checkpoint.channel_values, writes: tuple.pendingWrites });
  return tuples;
};

const example = (thread: string, event: string, type: string, judged: Example["judged"]): Example => ({
  kind: "example",
  thread,
  event,
  read: { type: "business", assumptions: [], facts: [] },
  final: {
    type,
    assumptions: [{ id: "A4", direction: "challenges" }],
    verdict: "PROCEED",
    facts: [{ kind: "amount", text: "EUR 12,000", value: 12000 }],
  },
  judged,
  by: "bella",
  at: "2026-11-20T10:00:00.000Z",
  ...(judged === "corrected" ? { reason: "a supplier's price list is about our costs" } : {}),
});

/** Two examples and a rule, as people left them in the workspace's memory. */
async function remember(store: WorkspaceStore): Promise<void> {
  await rememberExample(
    store.memory,
    "1f0a-thread-one",
    example("sales/2026-11-elsaai-deal", "ElsaAI signed the annual plan", "sales", "agreed"),
  );
  await rememberExample(
    store.memory,
    "1f0b-thread-two",
    example("business/2026-11-supplier-prices", "Supplier price list: prices up 18%", "business", "corrected"),
  );
  const rule: Rule = {
    kind: "rule",
    when: ["supplier", "price"],
    then: { assumption: { id: "A4", direction: "challenges" } },
    says: 'an event that mentions "supplier" and "price" challenges A4',
    evidence: { thread: "business/2026-11-supplier-prices", example: "1f0b-thread-two" },
    proposed_by: "offline",
    by: "bella",
    at: "2026-11-21T09:00:00.000Z",
  };
  await store.memory.put(RULES, "rule-supplier-price", Rule.parse(rule));
}

/** Every item of the memory: where it is kept and what it holds (with when it was last written, when `withTimes`). */
async function memoryOf(store: WorkspaceStore, withTimes = false) {
  const items = await store.memory.search(["memory"], { limit: 1000 });
  return items
    .map((item) => ({
      namespace: item.namespace,
      key: item.key,
      value: item.value,
      ...(withTimes ? { updatedAt: new Date(item.updatedAt).getTime() } : {}),
    }))
    .sort((a, b) => `${a.namespace.join("/")}/${a.key}`.localeCompare(`${b.namespace.join("/")}/${b.key}`));
}

/**
 * Migrates the memory and checks the target holds it as the source does (besides what it held of its
 * own under other keys: `kept`), and that running it again changes nothing.
 */
async function migratesMemory(runtime: Runtime, target: WorkspaceStore, kept: string[] = []): Promise<void> {
  const wanted = await memoryOf(runtime.store);
  expect(wanted.map((item) => `${item.namespace.join("/")}/${item.key}`)).toEqual([
    "memory/examples/1f0a-thread-one",
    "memory/examples/1f0b-thread-two",
    "memory/rules/rule-supplier-price",
  ]);
  const first = await migrateStore(runtime, target);
  expect(first.memory).toBe(3);
  expect(formatMigration(first)).toContain("copied 3 item(s) of the memory");
  expect((await memoryOf(target)).filter((item) => !kept.includes(item.key))).toEqual(wanted);
  expect(await target.memory.get(EXAMPLES, "1f0b-thread-two")).toMatchObject({
    namespace: EXAMPLES,
    key: "1f0b-thread-two",
    value: wanted[1]!.value,
  });

  // Copying twice gives the same target: no item is written again (its time of writing stays).
  const copied = await memoryOf(target, true);
  const again = await migrateStore(runtime, target);
  expect(again.memory).toBe(3);
  expect(await memoryOf(target, true)).toEqual(copied);
}

describe("migrating a workspace's store", () => {
  it("copies every checkpoint with its values and pending writes, gives every folder its row and claim, and can run again", async () => {
    const workspace = await sampleCopy();
    await withLeanos(workspace, { now: NOW }, (leanos) =>
      leanos.event({ file: eventFile("01-elsaai-deal-closed.md") }),
    );
    const runtime = await Runtime.open({ workspace, now: () => new Date(NOW) });
    const target = await otherStore();
    try {
      const first = await migrateStore(runtime, target);
      const ids = await runtime.store.checkpointedThreadIds();
      expect(ids.length).toBeGreaterThan(0);
      expect(await target.checkpointedThreadIds()).toEqual(ids);
      expect(first.threads).toBe(ids.length);
      for (const id of ids) expect(await stateOf(target, id)).toEqual(await stateOf(runtime.store, id));
      expect(first.rows).toBe((await runtime.store.index.names()).length);
      expect(await target.index.rows()).toEqual(await runtime.store.index.rows());
      for (const row of await target.index.rows()) expect(await target.claims.claim(row.thread, row.id)).toBe(true);
      expect(await target.claims.claim((await target.index.names())[0]!, "someone-else")).toBe(false);

      // A migration cut short is finished by running it again: the copy is idempotent.
      const again = await migrateStore(runtime, target);
      expect(again.checkpoints).toBe(first.checkpoints);
      for (const id of ids) expect(await stateOf(target, id)).toEqual(await stateOf(runtime.store, id));
    } finally {
      await target.close();
      await runtime.close();
    }
  }, 120_000);

  it("refuses a target that holds threads of another workspace, before copying anything", async () => {
    const workspace = await sampleCopy();
    const runtime = await Runtime.open({ workspace, now: () => new Date(NOW) });
    const target = await otherStore();
    try {
      const config = { configurable: { thread_id: "someone-elses-thread", checkpoint_ns: "" } };
      const checkpoint = {
        v: 4,
        id: "1f0-foreign",
        ts: NOW,
        channel_values: {},
        channel_versions: {},
        versions_seen: {},
      };
      await target.checkpointer.put(config, checkpoint, { source: "input", step: -1, parents: {} }, {});
      await expect(migrateStore(runtime, target)).rejects.toThrow(UsageError);
      await expect(migrateStore(runtime, target)).rejects.toThrow(
        /already holds 1 thread\(s\) this workspace does not have \(someone-elses-thread\)/,
      );
      expect(await target.index.names()).toEqual([]);
    } finally {
      await target.close();
      await runtime.close();
    }
  });
});

describe("migrating a workspace's memory", () => {
  it("copies every example and rule under its namespace and key, and copying again changes nothing (SQLite to SQLite)", async () => {
    const runtime = await Runtime.open({ workspace: await sampleCopy(), now: () => new Date(NOW) });
    const target = await otherStore();
    try {
      await remember(runtime.store);
      // What the target holds under a key this workspace does not have is left as it is.
      await target.memory.put(EXAMPLES, "kept-there", { kind: "example", note: "only in the target" });
      await migratesMemory(runtime, target, ["kept-there"]);
      expect((await target.memory.get(EXAMPLES, "kept-there"))?.value).toEqual({
        kind: "example",
        note: "only in the target",
      });
    } finally {
      await target.close();
      await runtime.close();
    }
  });

  it("refuses a target holding another value under one of its keys, naming it, before copying anything", async () => {
    const workspace = await sampleCopy();
    await withLeanos(workspace, { now: NOW }, (leanos) =>
      leanos.event({ file: eventFile("01-elsaai-deal-closed.md") }),
    );
    const runtime = await Runtime.open({ workspace, now: () => new Date(NOW) });
    const target = await otherStore();
    try {
      await remember(runtime.store);
      const theirs = example("sales/2026-11-someone-else", "Someone else's event", "sales", "agreed");
      await rememberExample(target.memory, "1f0b-thread-two", theirs);
      await expect(migrateStore(runtime, target)).rejects.toThrow(UsageError);
      await expect(migrateStore(runtime, target)).rejects.toThrow(
        /already holds 1 item\(s\) of the memory under this workspace's keys with other values \(memory\/examples\/1f0b-thread-two\).*Nothing was copied/,
      );
      expect(await target.checkpointedThreadIds()).toEqual([]);
      expect(await target.index.names()).toEqual([]);
      expect(await memoryOf(target)).toEqual([{ namespace: EXAMPLES, key: "1f0b-thread-two", value: theirs }]);
    } finally {
      await target.close();
      await runtime.close();
    }
  }, 120_000);
});

describe.skipIf(!databaseUrl)("migrating a workspace's memory to PostgreSQL and back", () => {
  it("copies every example and rule to the workspace's schema, and back to a SQLite file, and again changes nothing", async () => {
    const workspace = await sampleCopy();
    const workspaceId = `ws_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const onSqlite = await Runtime.open({ workspace, now: () => new Date(NOW) });
    const postgres = new PgStore(databaseUrl!, workspaceId);
    try {
      await remember(onSqlite.store);
      await migratesMemory(onSqlite, postgres);
    } finally {
      await postgres.close();
      await onSqlite.close();
    }

    // The workspace switched to PostgreSQL, and copied back to a SQLite file.
    vi.stubEnv("LEANOS_DATABASE_URL", databaseUrl!);
    vi.stubEnv("LEANOS_WORKSPACE_ID", workspaceId);
    const onPostgres = await Runtime.open({ workspace, now: () => new Date(NOW) });
    vi.unstubAllEnvs();
    const sqlite = await otherStore();
    try {
      expect(onPostgres.store.kind).toBe("postgres");
      await migratesMemory(onPostgres, sqlite);
    } finally {
      await sqlite.close();
      await onPostgres.close();
    }
  }, 120_000);
});

describe.skipIf(!databaseUrl)("leanos migrate-store to PostgreSQL and back", () => {
  it("moves a thread waiting at its gate; it is approved on PostgreSQL, and its new steps come back to SQLite", async () => {
    const workspace = await sampleCopy();
    const workspaceId = `ws_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const onPostgres = { LEANOS_DATABASE_URL: databaseUrl!, LEANOS_WORKSPACE_ID: workspaceId };
    const leanos = (args: string[], env: Record<string, string> = {}) =>
      runCli(["--workspace", workspace, "--json", "--quiet", "--now", NOW, ...args], { env });

    const started = await leanos(["event", "--provider", "offline", "--file", eventFile("01-elsaai-deal-closed.md")]);
    expect(started.exitCode, started.stderr).toBe(0);
    const deal = (JSON.parse(started.stdout) as { thread: string }).thread;
    const waitingOnSqlite = (await leanos(["pending"])).stdout;

    const moved = await leanos(["migrate-store", "--to", databaseUrl!, "--workspace-id", workspaceId]);
    expect(moved.exitCode, moved.stderr).toBe(0);
    const report = JSON.parse(moved.stdout) as { threads: number; checkpoints: number; rows: number; next: string };
    expect(report).toMatchObject({ threads: 1, rows: 1 });
    expect(report.next).toContain(`LEANOS_WORKSPACE_ID=${workspaceId}`);
    expect(moved.stdout).not.toContain(new URL(databaseUrl!).password || "no password in the URL");

    // On PostgreSQL the same question waits, and answering it goes on from the copied checkpoint.
    expect((await leanos(["pending"], onPostgres)).stdout).toBe(waitingOnSqlite);
    const approved = await leanos(["approve", deal], onPostgres);
    expect(approved.exitCode, approved.stderr).toBe(0);
    expect((await leanos(["reindex", "--check"], onPostgres)).exitCode).toBe(0);

    // The SQLite file is now behind: copying it over PostgreSQL again is refused, as is a move to where it already is.
    const stale = await leanos(["migrate-store", "--to", databaseUrl!, "--workspace-id", workspaceId]);
    expect(stale.exitCode).toBe(2);
    expect(stale.stderr).toMatch(/already has checkpoints of thread .* that this workspace does not/);
    expect((await leanos(["migrate-store", "--to", "sqlite"])).exitCode).toBe(2);

    // Back to SQLite: the approval's steps come along.
    const back = await leanos(["migrate-store", "--to", "sqlite"], onPostgres);
    expect(back.exitCode, back.stderr).toBe(0);
    expect((await leanos(["pending"])).stdout).toBe((await leanos(["pending"], onPostgres)).stdout);
    expect((await leanos(["pending"])).stdout).not.toBe(waitingOnSqlite);
    expect((await leanos(["reindex", "--check"])).exitCode).toBe(0);
  }, 240_000);
});
