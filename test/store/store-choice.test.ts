import { describe, expect, it } from "vitest";
import { storeChoiceOf, targetChoiceOf } from "../../src/store/open.js";
import { WorkspaceConfig } from "../../src/workspace/config.js";
import { runCli, sampleCopy } from "../helpers.js";

// Which store a workspace uses: its SQLite file unless a PostgreSQL URL is set (by the environment,
// which wins, or by .leanos/config.yaml), and then only with a workspace id that names its rows.

const config = (values: Record<string, unknown> = {}) => ({ config: WorkspaceConfig.parse(values) });

describe("the store a workspace uses", () => {
  it("is the SQLite file by default", () => {
    expect(storeChoiceOf(config(), {})).toEqual({ kind: "sqlite" });
  });

  it("is PostgreSQL when a URL is set, the environment winning over the config", () => {
    const fromConfig = config({ database_url: "postgres://db/one", workspace_id: "shop" });
    expect(storeChoiceOf(fromConfig, {})).toEqual({ kind: "postgres", url: "postgres://db/one", workspaceId: "shop" });
    expect(
      storeChoiceOf(fromConfig, { LEANOS_DATABASE_URL: "postgresql://db/two", LEANOS_WORKSPACE_ID: "other" }),
    ).toEqual({
      kind: "postgres",
      url: "postgresql://db/two",
      workspaceId: "other",
    });
  });

  it("refuses PostgreSQL without a workspace id, or with one that cannot name a schema", () => {
    expect(() => storeChoiceOf(config(), { LEANOS_DATABASE_URL: "postgres://db/x" })).toThrow(/workspace_id/);
    expect(() =>
      storeChoiceOf(config(), { LEANOS_DATABASE_URL: "postgres://db/x", LEANOS_WORKSPACE_ID: "Bad-Name" }),
    ).toThrow(/lowercase letters/);
    expect(() => storeChoiceOf(config(), { LEANOS_DATABASE_URL: "mysql://db/x", LEANOS_WORKSPACE_ID: "shop" })).toThrow(
      /postgres:\/\//,
    );
    expect(() => WorkspaceConfig.parse({ database_url: "http://db" })).toThrow(/postgres/);
  });

  it("is, for migrate-store --to, the SQLite file or the URL given, with the id given or configured (never the configured URL)", () => {
    const onPostgres = config({ database_url: "postgres://db/one", workspace_id: "shop" });
    expect(targetChoiceOf("sqlite", undefined, onPostgres, {})).toEqual({ kind: "sqlite" });
    expect(targetChoiceOf("postgres://db/two", undefined, onPostgres, {})).toEqual({
      kind: "postgres",
      url: "postgres://db/two",
      workspaceId: "shop",
    });
    expect(targetChoiceOf("postgres://db/two", "other", onPostgres, { LEANOS_WORKSPACE_ID: "env" })).toMatchObject({
      workspaceId: "other",
    });
    expect(() => targetChoiceOf("mysql://db/x", "shop", config(), {})).toThrow(
      /--to \(or "sqlite"\): expected a postgres:\/\//,
    );
  });

  it("reports a database it cannot reach with its URL (password hidden), and exits 1", async () => {
    const workspace = await sampleCopy();
    const result = await runCli(["--workspace", workspace, "pending"], {
      env: { LEANOS_DATABASE_URL: "postgres://leanos:secret@127.0.0.1:1/leanos", LEANOS_WORKSPACE_ID: "shop" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("cannot use the PostgreSQL database postgres://leanos:***@127.0.0.1:1/leanos");
    expect(result.stderr).not.toContain("secret");
  });
});

describe("leanos reindex", () => {
  it("reports the threads the index lacks (--check exits 1 and changes nothing), then mends them", async () => {
    const { default: Database } = await import("better-sqlite3");
    const { join } = await import("node:path");
    const workspace = await sampleCopy();
    const leanos = (...args: string[]) => runCli(["--workspace", workspace, "--now", "2026-11-27T09:00:00Z", ...args]);
    expect(
      (await leanos("event", "--provider", "offline", "--file", join(workspace, "events", "02-lost-deal-nordstil.md")))
        .exitCode,
    ).toBe(0);
    expect((await leanos("reindex", "--check")).exitCode).toBe(0);
    const db = new Database(join(workspace, ".leanos", "checkpoints.sqlite"));
    db.prepare("DELETE FROM leanos_threads").run();
    db.close();
    const checked = await leanos("reindex", "--check");
    expect(checked.exitCode).toBe(1);
    expect(checked.stdout).toContain("missing from the index: sales/lost-deal-nordstil-chose-vestio");
    expect((await leanos("reindex", "--check")).exitCode).toBe(1);
    const mended = await leanos("reindex");
    expect(mended.exitCode).toBe(0);
    expect(mended.stdout).toContain("(added)");
    expect((await leanos("reindex", "--check")).exitCode).toBe(0);
    expect((await leanos("status")).stdout).toContain("sales/lost-deal-nordstil-chose-vestio");
  });
});
