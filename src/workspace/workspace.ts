import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { containedPath } from "../files/contained.js";
import { threadTypesOf, type BusinessName, type ThreadTypes } from "../core/threadTypes.js";
import type { WorkspaceConfig } from "./config.js";
import { loadWorkspaceConfig } from "./configFile.js";

export interface Workspace {
  root: string;
  canvasDir: string;
  threadsDir: string;
  stateDir: string;
  checkpointsPath: string;
  auditPath: string;
  skillsDir: string;
  graphsDir: string;
  config: WorkspaceConfig;
  /**
   * Its thread types, decided once when it is opened: the name it writes business threads under
   * (operations when it has threads/operations/ and no threads/business/, else business) and the
   * types its settings declare. Every folder, meta.json, index row and schema of a type goes by it.
   */
  threadTypes: ThreadTypes;
}

export function workspacePaths(root: string): Omit<Workspace, "config" | "threadTypes"> {
  const stateDir = join(root, ".leanos");
  return {
    root,
    canvasDir: join(root, "strategy", "canvas"),
    threadsDir: join(root, "threads"),
    stateDir,
    checkpointsPath: join(stateDir, "checkpoints.sqlite"),
    auditPath: join(stateDir, "audit.jsonl"),
    skillsDir: join(root, "skills"),
    graphsDir: join(root, "graphs"),
  };
}

/**
 * The places leanos reads or writes in every workspace. Each is checked when the workspace is opened,
 * so a symlink out of the workspace at any of them is refused before anything is read or written
 * (every write is checked again on its own, see files/contained.ts).
 */
const KNOWN_PLACES = [
  ".leanos/config.yaml",
  ".leanos/tmp",
  ".leanos/checkpoints.sqlite",
  ".leanos/checkpoints.sqlite-wal",
  ".leanos/checkpoints.sqlite-shm",
  ".leanos/audit.jsonl",
  "strategy/canvas",
  "strategy/goals",
  "strategy/values.md",
  "threads/business",
  "threads/operations",
  "threads/sales",
  "threads/marketing",
  "artifacts/outbox",
  "artifacts/sales",
  "artifacts/business",
  "artifacts/operations",
  "artifacts/marketing/campaigns",
  "ops/today.md",
  "ops/metrics",
  "research/customer/icp",
  "skills",
  "graphs",
];

/** Opens a workspace folder: it must exist and hold a canvas (strategy/canvas/). */
export async function openWorkspace(dir: string | undefined): Promise<Workspace> {
  const root = resolve(dir ?? process.env.LEANOS_WORKSPACE ?? process.cwd());
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`workspace ${root} does not exist (set --workspace DIR or LEANOS_WORKSPACE)`);
  }
  const paths = workspacePaths(root);
  for (const place of KNOWN_PLACES) containedPath(root, place);
  if (!existsSync(paths.canvasDir)) {
    throw new UsageError(
      `workspace ${root} has no canvas: expected strategy/canvas/ with 00-business-model-mode.md and 01-context.md .. 15-gtm.md`,
    );
  }
  const config = await loadWorkspaceConfig(root, join(paths.stateDir, "config.yaml"));
  // A declared type's folders are checked like LeanOS's own.
  for (const type of config.thread_types)
    for (const place of [`threads/${type}`, `artifacts/${type}`]) containedPath(root, place);
  return { ...paths, config, threadTypes: threadTypesOf(businessNameOf(paths.threadsDir), config.thread_types) };
}

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The name a workspace writes its business threads under. LeanOS renamed them `operations`: a
 * workspace that has a threads/operations/ folder and no threads/business/ is one made (or moved)
 * since, and gets `operations`; any other, `business`, so a workspace made before is as it was.
 */
export function businessNameOf(threadsDir: string): BusinessName {
  return isFolder(join(threadsDir, "operations")) && !isFolder(join(threadsDir, "business"))
    ? "operations"
    : "business";
}
