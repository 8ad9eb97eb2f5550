import { z } from "zod";
import { AutonomyMode, TrustBar } from "../core/autonomy.js";
import { BUILT_IN_TYPES, RESERVED_TYPE_NAMES, TYPE_NAME, TYPE_NAME_RULE } from "../core/threadTypes.js";
import { WORKSPACE_ID, WORKSPACE_ID_RULE } from "./workspaceId.js";

export const WorkspaceId = z.string().regex(WORKSPACE_ID, WORKSPACE_ID_RULE);

/**
 * Where Anthropic's prompt cache is asked to keep prefixes (src/llm/cachePlan.ts). `auto`, the
 * default, marks a prefix only where a mark is read (another call of the process shares it, or the
 * audit log shows it in use) and picks 5 minutes or an hour by how far apart the calls come; `5m` or
 * `1h` marks every breakpoint with that TTL, as leanos did before; `off` marks none.
 */
export const CacheSetting = z.enum(["auto", "5m", "1h", "off"]);
export type CacheSetting = z.infer<typeof CacheSetting>;

/**
 * Thread types beyond LeanOS's three, as LeanOS added them (product, engineering...): each a
 * lower-case identifier, named once, none of LeanOS's own (sales, marketing, business, or
 * operations, its newer name of business) nor `threads`. Each runs the workspace's graph as a
 * business thread does, in its own folder threads/<type>/.
 */
export const DeclaredThreadTypes = z
  .array(
    z
      .string()
      .regex(TYPE_NAME, {
        error: (issue) => `${JSON.stringify(issue.input)} cannot name a thread type: ${TYPE_NAME_RULE}`,
      })
      .refine((name) => !RESERVED_TYPE_NAMES.has(name), {
        error: (issue) =>
          (BUILT_IN_TYPES as readonly string[]).includes(String(issue.input))
            ? `${String(issue.input)} is a thread type of every workspace already; list only types beyond sales, marketing and business`
            : issue.input === "operations"
              ? "operations is LeanOS's newer name of business, not a type of its own: a workspace writes its business threads under operations when it has a threads/operations/ folder (and no threads/business/)"
              : `${String(issue.input)} cannot name a thread type (it is a folder of the workspace)`,
      }),
    {
      error: (issue) =>
        issue.code === "invalid_type" ? "must be a list of type names, e.g. [product, engineering]" : undefined,
    },
  )
  .max(32)
  .refine((names) => new Set(names).size === names.length, {
    error: (issue) =>
      `a type is named twice: ${(issue.input as string[]).filter((name, index, all) => all.indexOf(name) !== index).join(", ")}`,
  })
  .default([]);

export const WorkspaceConfig = z
  .object({
    // Impact at or above this waits for a human at the decision gate, in every autonomy mode.
    approval_threshold: z.number().min(0).max(1).default(0.8),
    // Which decisions under the threshold act without a person (src/core/autonomy.ts; README "Autonomy").
    autonomy: AutonomyMode.default("earned"),
    trust: TrustBar.default(TrustBar.parse({})),
    // A stage drafted with a confidence under this makes the decision wait, whatever the mode and impact.
    confidence_floor: z.number().min(0).max(1).default(0.5),
    provider: z.string().optional(),
    model: z.string().optional(),
    // How a model answers: a tool call (the default), or JSON matching the schema for an
    // OpenAI-compatible server that ignores tool_choice.
    model_output: z.enum(["tool_call", "json_schema"]).default("tool_call"),
    cache_ttl: CacheSetting.default("auto"),
    graph: z.string().default("causal-flow"),
    // Thread types beyond sales, marketing and business (see DeclaredThreadTypes), e.g. [product, engineering].
    thread_types: DeclaredThreadTypes,
    // The currency sums are weighed and compared in (ISO 4217). Without it, the one the canvas
    // writes most (src/text/money.ts), or USD when the canvas names none.
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code in capitals, such as EUR, USD or GBP")
      .optional(),
    // The public site that published pieces link to (tracked with UTM parameters).
    site_url: z.string().url().default("https://example.com"),
    // Where anything that leaves the machine goes: a dry-run outbox folder, or a webhook.
    connector: z.enum(["outbox", "webhook"]).default("outbox"),
    // The largest event text `leanos event` takes, in KB (argument, --file or stdin); a bigger one is refused.
    max_event_kb: z.number().int().min(1).max(16_384).default(256),
    // How many events clients may hand over in an hour, however they arrive (threads the workspace
    // starts itself, approved follow-ups and patterns, do not count); 0 means no limit.
    max_events_per_hour: z.number().int().min(0).max(100_000).default(120),
    // PostgreSQL for the runtime state (checkpoints, thread index, leases, claims) instead of
    // .leanos/checkpoints.sqlite: several workers or machines then share the workspace.
    // LEANOS_DATABASE_URL overrides it.
    database_url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    // Names this workspace's rows in a shared database (letters, digits, underscores); every machine
    // that runs the workspace gives the same one. LEANOS_WORKSPACE_ID overrides it.
    workspace_id: WorkspaceId.optional(),
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
