import { z } from "zod";

/** A human's (or the policy's) answer at a gate, as recorded in the thread. */
export const ReviewSchema = z.object({
  answer: z.enum(["accept", "edit", "respond", "reject"]),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
  feedback: z.string().optional(),
  /** The git commit a canvas change was recorded in. */
  commit: z.string().optional(),
  /** The outcome a person reported for an action they carried out. */
  outcome: z.string().optional(),
});
export type Review = z.infer<typeof ReviewSchema>;
