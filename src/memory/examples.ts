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

/** An item of the memory as `leanos memory` shows it: its id, where it came from and what it says. */
export interface MemoryEntry {
  id: string;
  kind: "example" | "rule";
  from: string;
  by: string;
  at: string;
  says: string;
}

const readingText = (reading: z.infer<typeof ReadingValue>): string =>
  [reading.type, reading.assumptions.map((test) => `${test.id} ${test.direction}`).join(", ") || "no assumption", reading.verdict].filter(Boolean).join("; ");

/** Keeps the thread's example (its latest judgement replaces an earlier one). */
export async function rememberExample(memory: BaseStore, id: string, example: Example): Promise<void> {
  await memory.put(EXAMPLES, id, Example.parse(example));
}

/** Every example and rule the workspace keeps, newest first. */
export async function listMemory(memory: BaseStore): Promise<MemoryEntry[]> {
  const entries: MemoryEntry[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await memory.search(["memory"], { limit: 100, offset });
    for (const item of page) {
      const example = Example.safeParse(item.value);
      if (example.success) {
        const { read, final } = example.data;
        const says = example.data.judged === "agreed" ? `read as ${readingText(final)}` : `corrected from ${readingText(read)} to ${readingText(final)}`;
        entries.push({ id: item.key, kind: "example", from: `threads/${example.data.thread}`, by: example.data.by, at: example.data.at, says });
      }
    }
    if (page.length < 100) break;
  }
  return entries.sort((a, b) => b.at.localeCompare(a.at));
}

/** Forgets one item of the memory; false when no item has that id. */
export async function forgetMemory(memory: BaseStore, id: string): Promise<{ namespace: string[] } | undefined> {
  for (const namespace of [EXAMPLES, RULES]) {
    if (await memory.get(namespace, id)) {
      await memory.delete(namespace, id);
      return { namespace };
    }
  }
  return undefined;
}

/** `leanos memory` as text: one line per example or rule, newest first. */
export function formatMemory(entries: readonly MemoryEntry[]): string {
  if (entries.length === 0) return "Nothing remembered yet: every decision a person accepts, and every correction, is kept here as an example.";
  return entries.map((entry) => `${entry.id}  ${entry.kind}  ${entry.at.slice(0, 10)} by ${entry.by}, ${entry.from}: ${entry.says}`).join("\n");
}
