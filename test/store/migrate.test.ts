import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { Runtime } from "../../src/runtime/engine.js";
import { migrateStore } from "../../src/runtime/migrateStore.js";
import { SqliteStore } from "../../src/store/sqliteStore.js";
import type { WorkspaceStore } from "../../src/store/store.js";
import { eventFile, runCli, sampleCopy, tempDir } from "../helpers.js";

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
  for await (const tuple of store.checkpointer.list({ configurable: { thread_id: id } })) tuples.push({ id: tuple.checkpoint.id, values: tuple.checkpoint.channel_values, writes: tuple.pendingWrites });
  return tuples;
};

describe("migrating a workspace's store", () => {
  it("copies every checkpoint with its values and pending writes, gives every folder its row and claim, and can run again", async () => {
    const workspace = await sampleCopy();
    const started = await runCli(["--workspace", workspace, "--quiet", "--now", NOW, "event", "--provider", "offline", "--file", eventFile("01-elsaai-deal-closed.md")]);
    expect(started.exitCode, started.stderr).toBe(0);
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
      const checkpoint = { v: 4, id: "1f0-foreign", ts: NOW, channel_values: {}, channel_versions: {}, versions_seen: {} };
      await target.checkpointer.put(config, checkpoint, { source: "input", step: -1, parents: {} }, {});
      await expect(migrateStore(runtime, target)).rejects.toThrow(UsageError);
      await expect(migrateStore(runtime, target)).rejects.toThrow(/already holds 1 thread\(s\) this workspace does not have \(someone-elses-thread\)/);
      expect(await target.index.names()).toEqual([]);
    } finally {
      await target.close();
      await runtime.close();
    }
  });
});

describe.skipIf(!databaseUrl)("leanos migrate-store to PostgreSQL and back", () => {
  it("moves a thread waiting at its gate; it is approved on PostgreSQL, and its new steps come back to SQLite", async () => {
    const workspace = await sampleCopy();
    const workspaceId = `ws_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const onPostgres = { LEANOS_DATABASE_URL: databaseUrl!, LEANOS_WORKSPACE_ID: workspaceId };
    const leanos = (args: string[], env: Record<string, string> = {}) => runCli(["--workspace", workspace, "--json", "--quiet", "--now", NOW, ...args], { env });

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
