import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { appendToFile } from "../files/atomic.js";
import { containedPath } from "../files/contained.js";
import { readText } from "../files/readText.js";
import { quickCheck, quickOrZod } from "../files/quickCheck.js";
import { validateAuditEntry } from "../validators/read.generated.js";
import type { AuditEntry } from "./entry.js";

// .leanos/audit.jsonl: one JSON object a line, only ever appended to. ops/today.md and
// `leanos usage` are rebuilt from it.

export type { AuditEntry } from "./entry.js";
export type AuditEntryOf<K extends AuditEntry["kind"]> = Extract<AuditEntry, { kind: K }>;

/** The entries' zod schema: loaded for a line the generated validator cannot vouch for, or an entry to write it cannot. */
const entrySchema = async () => (await import("./entry.js")).AuditEntry;

/**
 * An entry as the generated validator takes it; undefined when only zod can say. Ajv fills no
 * default inside one branch of a union, so a model call logged before cache writes were recorded
 * (no cache_write_tokens, which zod sets to 0) is zod's.
 */
export const quickEntry = (raw: unknown): AuditEntry | undefined =>
  quickCheck<AuditEntry>(
    raw,
    validateAuditEntry,
    (entry) => entry.kind !== "model-call" || entry.cache_write_tokens !== undefined,
  );

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
      (await Promise.all(entries.map(async (entry) => quickEntry(entry) ?? (await entrySchema()).parse(entry))))
        .map((entry) => `${JSON.stringify(entry)}\n`)
        .join(""),
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
          const entry = await parseLine(line);
          if (!entry) continue;
          if (Date.parse(entry.at) < since.getTime()) return newest.reverse();
          newest.push(entry);
        }
      }
      const first = await parseLine(carry);
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
    const lines = (await readText(this.root, this.path)).split("\n").filter((line) => line.includes(marker));
    return (await Promise.all(lines.map(parseLine))).filter((entry): entry is AuditEntryOf<K> => entry?.kind === kind);
  }

  /** Every readable entry; a torn or foreign line is skipped rather than failing the reader. */
  async read(): Promise<AuditEntry[]> {
    if (!existsSync(this.path)) return [];
    const lines = (await readText(this.root, this.path)).split("\n");
    return (await Promise.all(lines.map(parseLine))).filter((entry): entry is AuditEntry => entry !== undefined);
  }
}

/** One line of the log; a torn or foreign line (a crash mid-write) is skipped. */
async function parseLine(line: string): Promise<AuditEntry | undefined> {
  if (line.trim().length === 0) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = await quickOrZod(quickEntry(raw), raw, entrySchema);
  return parsed.success ? parsed.data : undefined;
}
