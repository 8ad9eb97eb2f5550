import { z } from "zod";

// The record of the questions a person was shown (shown.ts), as zod checks it: the source of truth,
// from which the read path's validator is generated (scripts/validators/build.mjs).

export const ShownQuestion = z.object({
  /** The thread's name (type/slug). */
  thread: z.string().min(1),
  /** The ids of the questions shown on it, as `pending` listed them (the first is the one an answer takes). */
  ids: z.array(z.string().min(1)).min(1),
  /** Who was shown them (LEANOS_USER or USER): one person's look does not clear another's answer. */
  by: z.string(),
  /** When these questions were first shown (ISO time). */
  at: z.string(),
  /** The LangGraph server they came from (--server); absent for the workspace's own threads. */
  server: z.string().optional(),
});
export type ShownQuestion = z.infer<typeof ShownQuestion>;

export const ShownRecord = z.object({
  version: z.literal(1),
  shown: z.array(ShownQuestion),
});
export type ShownRecord = z.infer<typeof ShownRecord>;
