import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError, describeZodIssues } from "../errors.js";

export const WorkspaceConfig = z
  .object({
    // Impact at or above this waits for a human at the decision gate.
    approval_threshold: z.number().min(0).max(1).default(0.8),
    provider: z.string().optional(),
    model: z.string().optional(),
    graph: z.string().default("causal-flow"),
  })
  .strict();
export type WorkspaceConfig = z.infer<typeof WorkspaceConfig>;

export async function loadWorkspaceConfig(path: string): Promise<WorkspaceConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return WorkspaceConfig.parse({});
    throw error;
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new UsageError(`${path}: not valid YAML (${(error as Error).message})`);
  }
  const parsed = WorkspaceConfig.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${path}: ${describeZodIssues(parsed.error.issues)}`);
  return parsed.data;
}
