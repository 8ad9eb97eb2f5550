import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { appendToFile } from "../files/atomic.js";
import { containedPath } from "../files/contained.js";
import { readText } from "../files/readText.js";
import { z } from "zod";

// .leanos/audit.jsonl: one JSON object a line, only ever appended to. ops/today.md and
// `leanos usage` are rebuilt from it.

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
export type AuditEntryOf<K extends AuditEntry["kind"]> = Extract<AuditEntry, { kind: K }>;

export class AuditLog {
  constructor(
    private readonly root: string,
    readonly path: string,
  ) {}

  /** Appends entries in one write, so lines from concurrent processes never interleave mid-line. */
  async append(...entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await appendToFile(
      this.root,
      this.path,
      entries.map((entry) => `${JSON.stringify(AuditEntry.parse(entry))}\n`).join(""),
    );
  }

  /**
   * The entries at or after `since`, read from the end of the file backwards, so the cost follows the
   * recent window and not the length of the history.
   */
  async readSince(since: Date): Promise<AuditEntry[]> {
    if (!existsSync(containedPath(this.root, this.path))) return [];
    const handle = await open(this.path, "r");
    try {
      const size = (await handle.stat()).size;
      const chunk = 64 * 1024;
      let position = size;
      let carry = "";
      const newest: AuditEntry[] = [];
      while (position > 0) {
        const length = Math.min(chunk, position);
        position -= length;
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, position);
        const text = buffer.toString("utf8") + carry;
        const lines = text.split("\n");
        // The first piece may be the tail of a line that started in the previous chunk.
        carry = position > 0 ? lines.shift()! : "";
        for (const line of lines.reverse()) {
          const entry = parseLine(line);
          if (!entry) continue;
          if (Date.parse(entry.at) < since.getTime()) return newest.reverse();
          newest.push(entry);
        }
      }
      const first = parseLine(carry);
      if (first && Date.parse(first.at) >= since.getTime()) newest.push(first);
      return newest.reverse();
    } finally {
      await handle.close();
    }
  }

  /** Every readable entry of one kind; other lines are passed over before they are parsed. */
  async readKind<K extends AuditEntry["kind"]>(kind: K): Promise<AuditEntryOf<K>[]> {
    if (!existsSync(this.path)) return [];
    const marker = `"kind":${JSON.stringify(kind)}`;
    return (await readText(this.root, this.path))
      .split("\n")
      .filter((line) => line.includes(marker))
      .map(parseLine)
      .filter((entry): entry is AuditEntryOf<K> => entry?.kind === kind);
  }

  /** Every readable entry; a torn or foreign line is skipped rather than failing the reader. */
  async read(): Promise<AuditEntry[]> {
    if (!existsSync(this.path)) return [];
    return (await readText(this.root, this.path))
      .split("\n")
      .map(parseLine)
      .filter((entry): entry is AuditEntry => entry !== undefined);
  }
}

/** One line of the log; a torn or foreign line (a crash mid-write) is skipped. */
function parseLine(line: string): AuditEntry | undefined {
  if (line.trim().length === 0) return undefined;
  try {
    const parsed = AuditEntry.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
