import type { BaseStore } from "@langchain/langgraph";
import { EXAMPLES, Example, RULES } from "./examples.js";
import { PROPOSED, Proposal } from "./proposal.js";
import { Rule } from "./rules.js";

// What `leanos memory` shows and what `leanos memory forget` takes out: the examples, the rules people
// confirmed, and the rules proposed that wait for a person.

/** An item of the memory as `leanos memory` shows it: its id, where it came from and what it says. */
export interface MemoryEntry {
  id: string;
  kind: "example" | "rule" | "proposed rule";
  from: string;
  by: string;
  at: string;
  says: string;
}

const readingText = (reading: Example["final"]): string =>
  [
    reading.type,
    reading.assumptions.map((test) => `${test.id} ${test.direction}`).join(", ") || "no assumption",
    reading.verdict,
  ]
    .filter(Boolean)
    .join("; ");

/** Every example and rule the workspace keeps, newest first. */
export async function listMemory(memory: BaseStore): Promise<MemoryEntry[]> {
  const entries: MemoryEntry[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await memory.search(["memory"], { limit: 100, offset });
    for (const item of page) {
      const example = Example.safeParse(item.value);
      if (example.success) {
        const { read, final } = example.data;
        const says =
          example.data.judged === "agreed"
            ? `read as ${readingText(final)}`
            : `corrected from ${readingText(read)} to ${readingText(final)}`;
        entries.push({
          id: item.key,
          kind: "example",
          from: `threads/${example.data.thread}`,
          by: example.data.by,
          at: example.data.at,
          says,
        });
      }
      const rule = Rule.safeParse(item.value);
      if (rule.success)
        entries.push({
          id: item.key,
          kind: "rule",
          from: `threads/${rule.data.evidence.thread}`,
          by: rule.data.by,
          at: rule.data.at,
          says: rule.data.says,
        });
      const proposal = Proposal.safeParse(item.value);
      if (proposal.success) {
        const { evidence, proposed_by, at, says } = proposal.data;
        entries.push({
          id: item.key,
          kind: "proposed rule",
          from: `threads/${evidence.thread}`,
          by: proposed_by,
          at,
          says: `${says} (waits: leanos memory accept ${item.key}, or reject)`,
        });
      }
    }
    if (page.length < 100) break;
  }
  return entries.sort((a, b) => b.at.localeCompare(a.at));
}

/** Forgets one item of the memory; false when no item has that id. */
export async function forgetMemory(memory: BaseStore, id: string): Promise<{ namespace: string[] } | undefined> {
  for (const namespace of [EXAMPLES, RULES, PROPOSED]) {
    if (await memory.get(namespace, id)) {
      await memory.delete(namespace, id);
      return { namespace };
    }
  }
  return undefined;
}

/** `leanos memory` as text: one line per example or rule, newest first. */
export function formatMemory(entries: readonly MemoryEntry[]): string {
  if (entries.length === 0)
    return "Nothing remembered yet: every decision a person accepts, and every correction, is kept here as an example.";
  return entries
    .map((entry) => `${entry.id}  ${entry.kind}  ${entry.at.slice(0, 10)} by ${entry.by}, ${entry.from}: ${entry.says}`)
    .join("\n");
}
