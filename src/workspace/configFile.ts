import { lstatSync } from "node:fs";
import { dirname, relative } from "node:path";
import { FileProblem, describeZodIssues } from "../errors.js";
import { cachedYamlFile } from "../files/cachedReads.js";
import { plainUrl, quickCheck, quickOrZod } from "../files/quickCheck.js";
import { readText } from "../files/readText.js";
import { RESERVED_TYPE_NAMES } from "../core/threadTypes.js";
import { validateWorkspaceConfig } from "../validators/read.generated.js";
import type { WorkspaceConfig } from "./config.js";

// Reading `.leanos/config.yaml`: checked by the validator generated from WorkspaceConfig, with the
// schema's refinements said here, and by zod itself (loaded then) when that cannot vouch for it.

/** What the schema's refinements and URL checks ask of settings the generated validator took. */
function refinementsHold(config: WorkspaceConfig): boolean {
  const types = config.thread_types;
  return (
    types.every((name) => !RESERVED_TYPE_NAMES.has(name)) &&
    new Set(types).size === types.length &&
    (config.connector !== "webhook" || config.webhook !== undefined) &&
    plainUrl(config.site_url) &&
    (config.webhook === undefined || plainUrl(config.webhook.url))
  );
}

/** The settings as the generated validator takes them, with their defaults; undefined when only zod can say. */
export const quickConfig = (raw: unknown): WorkspaceConfig | undefined =>
  quickCheck(raw, validateWorkspaceConfig, refinementsHold);

/** The settings in `raw` (parsed YAML), with their defaults; zod's words for what is wrong. */
async function checkedConfig(shown: string, raw: unknown): Promise<WorkspaceConfig> {
  const parsed = await quickOrZod(quickConfig(raw), raw, async () => (await import("./config.js")).WorkspaceConfig);
  if (!parsed.success) throw new FileProblem(shown, describeZodIssues(parsed.error.issues));
  return parsed.data;
}

/** Reads `.leanos/config.yaml` of the workspace `root` (absent: the defaults). */
export async function loadWorkspaceConfig(root: string, path: string): Promise<WorkspaceConfig> {
  const shown = relative(root, path);
  try {
    lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return checkedConfig(shown, {});
    if (code === "ENOTDIR")
      throw new FileProblem(
        relative(root, dirname(path)),
        "is a file; leanos keeps its settings and state in a folder of that name (move the file aside)",
      );
    throw error;
  }
  const raw = (await cachedYamlFile(shown, await readText(root, path))) ?? {};
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new FileProblem(shown, "must be a set of key: value settings (see the README's workspace settings)");
  return checkedConfig(shown, raw);
}
