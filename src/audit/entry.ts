import { z } from "zod";

// One entry of .leanos/audit.jsonl, as zod checks it: the source of truth, from which the read
// path's validator is generated (scripts/validators/build.mjs); log.ts reads and writes the log.

const base = { at: z.string(), thread: z.string() };

export const AuditEntry = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("thread-started"),
    ...base,
    type: z.string(),
    title: z.string(),
    provider: z.string(),
    source: z.string(),
    /** Set for a thread the workspace started itself: the thread or pattern it came from. */
    started_from: z.string().optional(),
  }),
  z.object({
    kind: z.literal("model-call"),
    ...base,
    stage: z.string(),
    provider: z.string(),
    model: z.string(),
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_read_tokens: z.number(),
    // Logs written before the cache was laid out have no writes recorded.
    cache_write_tokens: z.number().default(0),
    cache_write_1h_tokens: z.number().optional(),
    // The prefixes the call marked for the cache or read from it (hashes): later calls plan from them.
    cached: z.array(z.object({ prefix: z.string(), ttl: z.enum(["5m", "1h"]) })).optional(),
    latency_ms: z.number(),
    cost_usd: z.number(),
  }),
  z.object({
    kind: z.literal("gate-asked"),
    ...base,
    gate: z.string(),
    node: z.string(),
    question: z.string(),
    impact: z.number().nullable(),
    action_id: z.string().optional(),
  }),
  z.object({
    kind: z.literal("gate-answered"),
    ...base,
    gate: z.string(),
    stage: z.string(),
    answer: z.string(),
    by: z.string(),
    summary: z.string(),
    reason: z.string().optional(),
    action_id: z.string().optional(),
  }),
  /** An answer a gate refused: nothing changed, and the gate asks again saying why. */
  z.object({
    kind: z.literal("gate-refused"),
    ...base,
    gate: z.string(),
    node: z.string(),
    answer: z.string(),
    by: z.string(),
    reason: z.string(),
  }),
  z.object({ kind: z.literal("file-written"), ...base, path: z.string() }),
  z.object({
    kind: z.literal("canvas-change"),
    ...base,
    file: z.string(),
    assumption: z.string().optional(),
    metric: z.string().optional(),
    field: z.string(),
    from: z.string(),
    to: z.string(),
    by: z.string(),
    commit: z.string().optional(),
  }),
  z.object({ kind: z.literal("opportunity-started"), ...base, opportunity: z.string(), started: z.string() }),
  /**
   * A person judged the drafter's reading of a decision (the trust a thread type earns, autonomy.ts):
   * agreed (accepted unchanged) or corrected (edit, respond, reject, or leanos correct). `type` is the
   * thread type the drafter read, which a correction may have changed since.
   */
  z.object({
    kind: z.literal("reading-judged"),
    ...base,
    type: z.string(),
    judged: z.enum(["agreed", "corrected"]),
    answer: z.enum(["accept", "edit", "respond", "reject", "correct"]),
    by: z.string(),
    /** For a correction: the fields it changed, and why, in the person's words. */
    fields: z.array(z.string()).optional(),
    reason: z.string().optional(),
    /** Set when the correction came after the thread acted: its steps were not undone. */
    after_acting: z.boolean().optional(),
  }),
  /** A thread's learning measured a value of the goal it serves (goals/measure.ts), written into the goal's log. */
  z.object({
    kind: z.literal("goal-measured"),
    ...base,
    goal: z.string(),
    metric: z.string(),
    value: z.string(),
    basis: z.string(),
  }),
  /** A thread's learning met the goal's last success criterion; the goal file moved to completed/. */
  z.object({ kind: z.literal("goal-completed"), ...base, goal: z.string(), file: z.string() }),
  /** An example or rule a person took out of the workspace's memory (leanos memory forget). */
  z.object({ kind: z.literal("memory-forgotten"), ...base, id: z.string(), by: z.string(), says: z.string() }),
  /** A drafter proposed a rule after a correction on the thread; it waits for a person. */
  z.object({ kind: z.literal("rule-proposed"), ...base, id: z.string(), says: z.string(), proposed_by: z.string() }),
  /** A person accepted a proposed rule (it joined the memory) or rejected it. */
  z.object({
    kind: z.literal("rule-judged"),
    ...base,
    id: z.string(),
    judged: z.enum(["accepted", "rejected"]),
    by: z.string(),
    says: z.string(),
  }),
]);
export type AuditEntry = z.infer<typeof AuditEntry>;
