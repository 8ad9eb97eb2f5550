import { EnvironmentFault, UsageError } from "../errors.js";
import { WORKSPACE_ID, WORKSPACE_ID_RULE } from "../workspace/workspaceId.js";
import type { Workspace } from "../workspace/workspace.js";
import type { DatabaseUse } from "./database.js";
import { SqliteIndexStore } from "./sqliteIndexStore.js";
import type { IndexStore, WorkspaceStore } from "./store.js";
import { shownUrl } from "./shownUrl.js";

export { shownUrl };

/** Where a workspace's runtime state is kept: PostgreSQL when a database URL is set, else its SQLite file. */
export interface StoreChoice {
  kind: "sqlite" | "postgres";
  url?: string;
  workspaceId?: string;
}

export function storeChoiceOf(workspace: Pick<Workspace, "config">, env: NodeJS.ProcessEnv = process.env): StoreChoice {
  const url = env.LEANOS_DATABASE_URL || workspace.config.database_url;
  return choiceOf(
    url,
    env.LEANOS_WORKSPACE_ID || workspace.config.workspace_id,
    "LEANOS_DATABASE_URL (unset it to keep the state in .leanos/checkpoints.sqlite)",
  );
}

/** Where `leanos migrate-store --to` points: "sqlite", or a database URL with the workspace's id (given, or as configured). */
export function targetChoiceOf(
  to: string,
  workspaceId: string | undefined,
  workspace: Pick<Workspace, "config">,
  env: NodeJS.ProcessEnv = process.env,
): StoreChoice {
  return choiceOf(
    to === "sqlite" ? undefined : to,
    workspaceId || env.LEANOS_WORKSPACE_ID || workspace.config.workspace_id,
    '--to (or "sqlite")',
  );
}

/** `named` says where the URL came from, for the message when it is not one. */
function choiceOf(url: string | undefined, rawId: string | undefined, named: string): StoreChoice {
  if (!url) return { kind: "sqlite" };
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`${named}: expected a postgres:// or postgresql:// URL`);
  if (!rawId) {
    throw new UsageError(
      "a workspace kept in PostgreSQL needs an id that names its rows: add `workspace_id: NAME` to .leanos/config.yaml (the same on every machine that runs it), or set LEANOS_WORKSPACE_ID",
    );
  }
  if (!WORKSPACE_ID.test(rawId)) throw new UsageError(`workspace id "${rawId}" ${WORKSPACE_ID_RULE}`);
  return { kind: "postgres", url, workspaceId: rawId };
}

export const sameStore = (a: StoreChoice, b: StoreChoice): boolean =>
  a.kind === b.kind && a.url === b.url && a.workspaceId === b.workspaceId;

/**
 * Opens the workspace's store, ready for use (PostgreSQL's tables are made on first use). For
 * `reading` (a command that changes nothing), SQLite on a workspace that cannot be written is opened
 * read-only instead of refused (database.ts).
 */
export async function openStore(
  workspace: Pick<Workspace, "root" | "checkpointsPath" | "config">,
  choice = storeChoiceOf(workspace),
  use: DatabaseUse = {},
): Promise<WorkspaceStore> {
  if (choice.kind === "sqlite") {
    const { SqliteStore } = await import("./sqliteStore.js");
    return new SqliteStore(workspace, use);
  }
  // Loaded only for PostgreSQL workspaces: the SQLite path never pays for pg.
  const { PgStore } = await import("./pgStore.js");
  const store = new PgStore(choice.url!, choice.workspaceId!);
  try {
    await store.ready();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new EnvironmentFault(
      `cannot use the PostgreSQL database ${store.where}: ${(error as Error).message || String(error)}; check LEANOS_DATABASE_URL (or database_url in .leanos/config.yaml) and that the server is up`,
      { cause: error },
    );
  }
  return store;
}

/** Opens the workspace's store for reading its thread index; SQLite's is opened without loading LangGraph. */
export async function openIndexStore(
  workspace: Pick<Workspace, "root" | "checkpointsPath" | "config">,
  choice = storeChoiceOf(workspace),
  use: DatabaseUse = {},
): Promise<IndexStore> {
  return choice.kind === "sqlite" ? new SqliteIndexStore(workspace, use) : openStore(workspace, choice, use);
}
