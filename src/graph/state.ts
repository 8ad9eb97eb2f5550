import { registry } from "@langchain/langgraph/zod";
import { z } from "zod";
import { ReviewSchema } from "../core/review.js";
import { IsoDate, RawEvent, ThreadTypeName } from "../core/stageSchemas.js";
import { CorrectionRequest, Pins } from "../core/reading.js";

const mergeRecords = <T>(current: Record<string, T>, update: Record<string, T>): Record<string, T> => ({
  ...current,
  ...update,
});
const merge = <T>() => ({ reducer: { fn: mergeRecords<T> }, default: () => ({}) as Record<string, T> });
const appendEntries = <T>(current: T[], update: T[]): T[] => current.concat(update);

/**
 * How an update to each field is folded into the state (the fields not named are replaced). LangGraph
 * folds node updates with these; the seal (seal.ts) folds them the same way to know the state a node
 * leaves.
 */
export const STATE_REDUCERS: Readonly<Record<string, (current: never, update: never) => unknown>> = {
  outputs: mergeRecords,
  reviews: mergeRecords,
  action_reviews: mergeRecords,
  opportunity_reviews: mergeRecords,
  feedback: mergeRecords,
  canvas_apply: mergeRecords,
  refusals: mergeRecords,
  action_log: appendEntries,
};

/** An accepted canvas change, planned and saved before it is applied (see canvasGate). */
export const CanvasApplySchema = z.object({
  review: ReviewSchema,
  values: z.record(z.string(), z.union([z.string(), z.number()])),
  files: z.array(z.object({ path: z.string(), before: z.string(), after: z.string() })),
  message: z.string(),
  changes: z.array(
    z.object({
      assumption: z.string().optional(),
      metric: z.string().optional(),
      field: z.string(),
      from: z.string(),
      to: z.string(),
    }),
  ),
  /** The day the plan was made on (its Last validated date), so applying can check it against its values. */
  planned_on: IsoDate.optional(),
});
export type CanvasApply = z.infer<typeof CanvasApplySchema>;

/** What the last node left: the node that may run next, and a MAC over that and the rest of the state. */
export const StateSealSchema = z.object({ next: z.string(), mac: z.string() });
export type StateSeal = z.infer<typeof StateSealSchema>;

export const LogEntrySchema = z.object({ at: z.string(), action_id: z.string(), event: z.string() });

/** A thread whose run ended until a due date: the node a pass wakes it at, and why. */
export const TimerSchema = z.object({
  due: IsoDate,
  reason: z.string(),
  action_id: z.string().optional(),
  node: z.string(),
});
export type Timer = z.infer<typeof TimerSchema>;

/** The state a thread carries through the graph; checkpointed after every node. */
export const ThreadStateSchema = z.object({
  thread: z.string(),
  /** Its type, by the name's shape: the claim took it as one of the workspace's (graph/claim.ts). */
  type: ThreadTypeName,
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
  action_log: z
    .array(LogEntrySchema)
    .register(registry, { reducer: { fn: appendEntries<z.infer<typeof LogEntrySchema>> }, default: () => [] }),
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
  /**
   * Why the last answer at a gate node was refused, by node; null once an answer was taken. The
   * refusal (core/refusal.ts) in words no front end owns: clients (the CLI through a server, the SDK)
   * read it as text.
   */
  refusals: z.record(z.string(), z.string().nullable()).register(registry, merge<string | null>()),
  /** Values a person corrected, held over every redraft (gates/correction.ts). */
  pins: Pins.optional(),
  /**
   * A correction handed in (leanos correct, an SDK run, the decision gate): the graph enters at the
   * correction node, which checks it and clears it. Client input, so it is left out of the seal.
   */
  correction: CorrectionRequest.nullable().optional(),
  /** The node the graph runs next and a MAC of the whole state, set by every node (seal.ts). */
  seal: StateSealSchema.nullable().optional(),
});
export type ThreadGraphState = z.infer<typeof ThreadStateSchema>;
