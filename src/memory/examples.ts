import { z } from "zod";
import type { BaseStore } from "@langchain/langgraph";

// What a workspace remembers (issue 27): every decision a person accepted, and every correction, as
// an example of how this company's events read: the event's text, what the drafter read, the final
// reading, who gave it and when. Kept in the workspace's long-term store (store.memory), one example
// per thread (its latest), keyed by the thread's LangGraph id, so a thread a correction moved keeps it.

export const EXAMPLES = ["memory", "examples"];
export const RULES = ["memory", "rules"];

const ReadingValue = z.object({
  type: z.string(),
  assumptions: z.array(z.object({ id: z.string(), direction: z.string() })),
  verdict: z.string().optional(),
  facts: z.array(z.object({ kind: z.string(), text: z.string(), value: z.number().optional() })),
});

export const Example = z.object({
  kind: z.literal("example"),
  thread: z.string(),
  /** The event's text: what a later event is matched against. */
  event: z.string(),
  /** What the drafter read, and the reading a person gave or agreed with. */
  read: ReadingValue,
  final: ReadingValue,
  judged: z.enum(["agreed", "corrected"]),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
});
export type Example = z.infer<typeof Example>;

/** Keeps the thread's example (its latest judgement replaces an earlier one). */
export async function rememberExample(memory: BaseStore, id: string, example: Example): Promise<void> {
  await memory.put(EXAMPLES, id, Example.parse(example));
}
