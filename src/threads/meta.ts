import { z } from "zod";
import { IsoDate, ThreadType } from "../stages/schemas.js";

export const GateAnswer = z.enum(["accept", "edit", "respond", "reject"]);
export type GateAnswer = z.infer<typeof GateAnswer>;

export const PendingItem = z.object({
  thread: z.string(),
  kind: z.enum(["decision", "action", "canvas", "stage"]),
  node: z.string(),
  question: z.string(),
  impact: z.number().min(0).max(1).nullable(),
  allowed: z.array(GateAnswer),
  action_id: z.string().optional(),
  draft: z.string().optional(),
});
export type PendingItem = z.infer<typeof PendingItem>;

export const ThreadUsage = z.object({
  calls: z.number().int().min(0),
  input_tokens: z.number().int().min(0),
  output_tokens: z.number().int().min(0),
  cache_read_tokens: z.number().int().min(0),
  latency_ms: z.number().min(0),
});
export type ThreadUsage = z.infer<typeof ThreadUsage>;

export const ThreadState = z.enum(["running", "waiting", "done", "failed"]);
export type ThreadState = z.infer<typeof ThreadState>;

export const ThreadMeta = z.object({
  thread: z.string().regex(/^(sales|marketing|business)\/[a-z0-9-]+$/),
  type: ThreadType,
  slug: z.string(),
  title: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  event: z.object({ date: IsoDate, source: z.string(), file: z.string().optional() }),
  graph: z.string(),
  provider: z.string(),
  model: z.string(),
  state: ThreadState,
  /** The last stage drafted. */
  stage: z.string().nullable(),
  impact: z.number().min(0).max(1).nullable(),
  pending: z.array(PendingItem),
  files: z.array(z.string()),
  /** Model calls made for this thread (none for the offline drafter). */
  usage: ThreadUsage.default({ calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, latency_ms: 0 }),
  error: z.string().optional(),
});
export type ThreadMeta = z.infer<typeof ThreadMeta>;
