import { readFile } from "node:fs/promises";
import matter from "gray-matter";
import { UsageError } from "../errors.js";
import { IsoDate } from "../stages/schemas.js";
import type { RawEvent } from "../stages/context.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The event from the command line, a file or stdin. A file may carry front-matter (date, source);
 * --date and --source win over it. JSON input ({"text", "date", "source"}) is accepted too.
 */
export async function readEvent(args: { text?: string; file?: string; date?: string; source?: string; today: string }): Promise<RawEvent> {
  let body: string;
  let origin: string;
  if (args.file && args.text) throw new UsageError("give the event either as TEXT or with --file, not both");
  if (args.file) {
    try {
      body = await readFile(args.file, "utf8");
    } catch {
      throw new UsageError(`--file ${args.file}: cannot read the file`);
    }
    origin = args.file;
  } else if (args.text === "-") {
    body = await readStdin();
    origin = "stdin";
  } else if (args.text !== undefined) {
    body = args.text;
    origin = "command line";
  } else {
    throw new UsageError("no event given: pass TEXT, --file FILE, or - to read stdin");
  }
  let front: Record<string, unknown> = {};
  let text = body;
  const trimmed = body.trim();
  if (trimmed.startsWith("{")) {
    try {
      const json = JSON.parse(trimmed) as Record<string, unknown>;
      if (typeof json.text !== "string") throw new UsageError('a JSON event needs a "text" field');
      text = json.text;
      front = json;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // Not JSON after all: keep it as plain text.
    }
  } else if (trimmed.startsWith("---")) {
    try {
      const parsed = matter(body, {});
      front = parsed.data;
      text = parsed.content;
    } catch (error) {
      throw new UsageError(`${origin}: the front-matter is not valid YAML (${(error as Error).message})`);
    }
  }
  if (text.trim().length === 0) throw new UsageError(`the event from ${origin} is empty`);
  const frontDate = front.date instanceof Date ? front.date.toISOString().slice(0, 10) : typeof front.date === "string" ? front.date : undefined;
  const date = args.date ?? frontDate ?? args.today;
  if (!IsoDate.safeParse(date).success) throw new UsageError(`--date ${date}: expected YYYY-MM-DD`);
  const source = args.source ?? (typeof front.source === "string" ? front.source : origin);
  return { text: text.trim(), date, source, ...(args.file ? { file: args.file } : {}) };
}
