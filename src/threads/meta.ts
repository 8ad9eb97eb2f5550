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
  error: z.string().optional(),
});
export type ThreadMeta = z.infer<typeof ThreadMeta>;
