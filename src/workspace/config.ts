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
    // The public site that published pieces link to (tracked with UTM parameters).
    site_url: z.string().url().default("https://example.com"),
    // Where anything that leaves the machine goes: a dry-run outbox folder, or a webhook.
    connector: z.enum(["outbox", "webhook"]).default("outbox"),
    webhook: z
      .object({
        url: z.string().url(),
        retries: z.number().int().min(1).max(10).default(3),
        timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((config) => config.connector !== "webhook" || config.webhook !== undefined, {
    path: ["webhook"],
    message: "connector: webhook needs webhook.url",
  });
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
