import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { UsageError } from "../errors.js";
import { parseFrontMatter } from "../files/frontMatter.js";
import { decodeText } from "../files/readText.js";
import { IsoDate } from "../core/stageSchemas.js";
import type { RawEvent } from "./context.js";
import { DEFAULT_MAX_EVENT_KB } from "./eventLimits.js";

export { DEFAULT_MAX_EVENT_KB };

// The event text of `leanos event`, from the command line, a file or stdin. It must be text (UTF-8,
// no NUL bytes) and within the workspace's size limit (max_event_kb). The limit is enforced while
// reading: 600 MB piped in stops at the limit, not when memory runs out.

function tooLarge(origin: string, maxBytes: number): UsageError {
  return new UsageError(
    `${origin}: the event is larger than ${Math.round(maxBytes / 1024)} KB; hand over a summary, or raise max_event_kb in .leanos/config.yaml`,
  );
}

/** Reads `stream` to its end, or refuses as soon as more than `maxBytes` arrived. */
export async function readLimited(
  stream: NodeJS.ReadableStream & { destroy?: () => void },
  maxBytes: number,
  origin: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > maxBytes) {
      // Stop reading now: the writer gets EPIPE, and nothing more is held in memory.
      stream.destroy?.();
      throw tooLarge(origin, maxBytes);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

async function readEventFile(file: string, maxBytes: number): Promise<Buffer> {
  const origin = `--file ${file}`;
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UsageError(`${origin}: no such file`);
    if (code === "EACCES" || code === "EPERM")
      throw new UsageError(`${origin}: not allowed to read it (check its permissions)`);
    if (code === "ENOTDIR") throw new UsageError(`${origin}: a part of the path is a file, not a folder`);
    throw new UsageError(`${origin}: cannot read the file (${code ?? (error as Error).message})`);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new UsageError(`${origin}: is a folder; give the event's file`);
    // A regular file says its size up front; a device or a pipe (/dev/zero, <(...)) is cut off while read.
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge(origin, maxBytes);
    return await readLimited(handle.createReadStream({ autoClose: false }), maxBytes, origin);
  } finally {
    await handle.close();
  }
}

/** The bytes as event text, or exit 2 saying why they are not text. */
function asText(bytes: Uint8Array, origin: string): string {
  const decoded = decodeText(bytes);
  if ("problem" in decoded) throw new UsageError(`${origin}: the event ${decoded.problem}`);
  return decoded.text;
}

function checkedDate(date: string, origin: string): string {
  const parsed = IsoDate.safeParse(date);
  if (parsed.success) return date;
  const why = parsed.error.issues[0]?.message ?? "not a date";
  throw new UsageError(
    `${origin} ${date}: ${why === "not a calendar date" ? "not a calendar date" : "not a date"}; expected a real date as YYYY-MM-DD, such as 2026-11-18`,
  );
}

/**
 * Where a --file is: as given when it exists (or is absolute), else in the workspace, so the
 * README's `--file events/...` works from any folder.
 */
function eventFilePath(file: string, workspaceRoot: string | undefined): string {
  if (!workspaceRoot || isAbsolute(file) || existsSync(file)) return file;
  const inWorkspace = join(workspaceRoot, file);
  return existsSync(inWorkspace) ? inWorkspace : file;
}

/**
 * The event from the command line, a file or stdin. A file may carry front-matter (date, source);
 * --date and --source win over it. JSON input ({"text", "date", "source"}) is accepted too.
 */
export async function readEvent(args: {
  text?: string;
  file?: string;
  date?: string;
  source?: string;
  today: string;
  /** The largest event accepted, in bytes. */
  maxBytes?: number;
  /** A relative --file not found in the current folder is looked up here (the workspace). */
  workspaceRoot?: string;
  /** Where `-` reads from (process.stdin unless a test gives another stream). */
  stdin?: NodeJS.ReadableStream;
}): Promise<RawEvent> {
  const maxBytes = args.maxBytes ?? DEFAULT_MAX_EVENT_KB * 1024;
  // --date is checked first: a bad one is refused before anything is read from stdin.
  if (args.date !== undefined) checkedDate(args.date, "--date");
  let body: string;
  let origin: string;
  if (args.file && args.text) throw new UsageError("give the event either as TEXT or with --file, not both");
  if (args.file) {
    origin = `--file ${args.file}`;
    body = asText(await readEventFile(eventFilePath(args.file, args.workspaceRoot), maxBytes), origin);
  } else if (args.text === "-") {
    origin = "stdin";
    body = asText(await readLimited(args.stdin ?? process.stdin, maxBytes, origin), origin);
  } else if (args.text !== undefined) {
    origin = "the event text";
    if (Buffer.byteLength(args.text) > maxBytes) throw tooLarge(origin, maxBytes);
    body = asText(Buffer.from(args.text), origin);
  } else {
    throw new UsageError("no event given: pass TEXT, --file FILE, or - to read stdin");
  }
  let front: Record<string, unknown> = {};
  let text = body;
  const trimmed = body.trim();
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      // Not JSON after all: keep it as plain text.
    }
    if (json !== undefined) {
      const fields = json as Record<string, unknown>;
      if (typeof fields.text !== "string") throw new UsageError(`${origin}: a JSON event needs a "text" field`);
      // JSON escapes (\u0000) can say what raw bytes may not.
      if (fields.text.includes("\u0000"))
        throw new UsageError(`${origin}: the event's "text" holds a NUL character: it is binary, not text`);
      text = fields.text;
      front = fields;
    }
  } else if (trimmed.startsWith("---")) {
    const parsed = parseFrontMatter(args.file ?? origin, body);
    front = parsed.data;
    text = parsed.content;
  }
  if (text.trim().length === 0) throw new UsageError(`the event from ${origin} is empty`);
  const frontDate =
    front.date instanceof Date
      ? front.date.toISOString().slice(0, 10)
      : typeof front.date === "string"
        ? front.date
        : undefined;
  const date = args.date ?? (frontDate !== undefined ? checkedDate(frontDate, `${origin}: date:`) : args.today);
  const source =
    args.source ??
    (typeof front.source === "string"
      ? front.source
      : origin === "the event text"
        ? "command line"
        : origin === "stdin"
          ? "stdin"
          : args.file!);
  return { text: text.trim(), date, source, ...(args.file ? { file: args.file } : {}) };
}
