import { registry } from "@langchain/langgraph/zod";
import { z } from "zod";
import { ReviewSchema } from "../approvals/review.js";
import { IsoDate, RawEvent, ThreadType } from "../stages/schemas.js";

const merge = <T>() => ({
  reducer: { fn: (current: Record<string, T>, update: Record<string, T>) => ({ ...current, ...update }) },
  default: () => ({}) as Record<string, T>,
});


/** An accepted canvas change, planned and saved before it is applied (see canvasGate). */
export const CanvasApplySchema = z.object({
  review: ReviewSchema,
  values: z.record(z.string(), z.union([z.string(), z.number()])),
  files: z.array(z.object({ path: z.string(), before: z.string(), after: z.string() })),
  message: z.string(),
  changes: z.array(z.object({ assumption: z.string().optional(), metric: z.string().optional(), field: z.string(), from: z.string(), to: z.string() })),
});
export type CanvasApply = z.infer<typeof CanvasApplySchema>;

export const LogEntrySchema = z.object({ at: z.string(), action_id: z.string(), event: z.string() });

/** A thread whose run ended until a due date: the node a pass wakes it at, and why. */
export const TimerSchema = z.object({ due: IsoDate, reason: z.string(), action_id: z.string().optional(), node: z.string() });
export type Timer = z.infer<typeof TimerSchema>;

/** The state a thread carries through the graph; checkpointed after every node. */
export const ThreadStateSchema = z.object({
  thread: z.string(),
  type: ThreadType,
  today: IsoDate,
  event: RawEvent,
  /** Stage outputs by stage key. */
  outputs: z.record(z.string(), z.unknown()).register(registry, merge<unknown>()),
  /** Human (or policy) answers at stage gates, by stage key. */
  reviews: z.record(z.string(), ReviewSchema).register(registry, merge<z.infer<typeof ReviewSchema>>()),
  /** Human answers at action gates, by action id. */
  action_reviews: z.record(z.string(), ReviewSchema).register(registry, merge<z.infer<typeof ReviewSchema>>()),
  /** Human answers at opportunity gates, by opportunity id (opp-1, opp-2...). */
  opportunity_reviews: z.record(z.string(), ReviewSchema).register(registry, merge<z.infer<typeof ReviewSchema>>()),
  /** Reviewer feedback waiting to be used by a stage's redraft, by stage key; null once used. */
  feedback: z.record(z.string(), z.string().nullable()).register(registry, merge<string | null>()),
  /** Accepted canvas changes waiting to be applied, by gate key. */
  canvas_apply: z.record(z.string(), CanvasApplySchema).register(registry, merge<CanvasApply>()),
  action_log: z.array(LogEntrySchema).register(registry, {
    reducer: { fn: (current: Array<z.infer<typeof LogEntrySchema>>, update: Array<z.infer<typeof LogEntrySchema>>) => current.concat(update) },
    default: () => [],
  }),
  // No defaults below: LangGraph fills a field's default into every input, and the input that wakes
  // a sleeping thread ({}) must not wipe what the thread knows.
  impact: z.number().nullable().optional(),
  /** Set while the thread sleeps until a due date (its run has ended); null once woken. */
  timer: TimerSchema.nullable().optional(),
  /** The thread's title, read from its event when it was claimed. */
  title: z.string().optional(),
  /** The thread this one takes up an opportunity of. */
  origin: z.string().optional(),
  /** For a thread a pass started from a pattern: the pattern and the threads behind it. */
  pattern: z.object({ key: z.string(), sources: z.array(z.string()) }).optional(),
  /** Why the last answer at a gate node was refused, by node; null once an answer was taken. */
  refusals: z.record(z.string(), z.string().nullable()).register(registry, merge<string | null>()),
});
export type ThreadGraphState = z.infer<typeof ThreadStateSchema>;
