import { open, stat } from "node:fs/promises";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

// Live updates over server-sent events, saying what changed so that a page fetches itself again only
// when something it shows did. Everything that moves a thread on leaves a line in the audit log (the
// CLI, a pass, another tab, LangGraph's server), each naming its thread, and a pass rewrites
// ops/today.md. One watcher per server reads what was appended to the log since it last looked and
// tells every open page:
// - `threads`: the threads that moved; a thread's page (and a file in its folder) concerns one;
// - `pages`: the pages that changed as a whole: the inbox when a question was asked or answered
//   (what waits, and its order, changed), the threads list and today's page when any thread moved
//   (the list is ordered by the last move; today's page is built from every thread), the canvas when
//   it changed, today also when ops/today.md was written (the page says when);
// - `waiting`: how many threads wait now, for the count in every page's header, when that may change.
// A log that shrank or was replaced says nothing about what changed: then every page is concerned.

const POLL_MS = 500;
const KEEPALIVE_MS = 15_000;
/** More than this appended between two looks (a bulk import) is not read: every page is concerned. */
const MAX_READ = 1024 * 1024;

export type LivePage = "inbox" | "threads" | "thread" | "canvas" | "today" | "file";
const EVERY_PAGE: LivePage[] = ["inbox", "threads", "thread", "canvas", "today", "file"];

export interface Change {
  threads: string[];
  pages: LivePage[];
  waiting?: number;
}

/**
 * The pages a line of the audit log concerns as a whole (beyond its own thread). Today's page is built
 * from every thread and the last day of the log, so any line may change it.
 */
function pagesOf(kind: unknown): LivePage[] {
  if (kind === "gate-asked" || kind === "gate-answered") return ["threads", "inbox", "today"];
  if (kind === "canvas-change") return ["threads", "canvas", "today"];
  return ["threads", "today"];
}

/** What the lines appended to the audit log say changed; a torn or foreign line is skipped. */
export function changeOf(lines: readonly string[]): Change {
  const threads = new Set<string>();
  const pages = new Set<LivePage>();
  for (const line of lines) {
    let entry: { kind?: unknown; thread?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (typeof entry !== "object" || entry === null) continue;
    if (typeof entry.thread === "string") threads.add(entry.thread);
    for (const page of pagesOf(entry.kind)) pages.add(page);
  }
  return { threads: [...threads], pages: [...pages] };
}

export interface WatchedFiles {
  /** Appended to, line by line. */
  audit: string;
  /** Rewritten whole. */
  today: string;
  /** How many threads wait now (for the header's count); a failure leaves the count out. */
  waiting: () => Promise<number>;
}

type Listener = (change: Change) => void;

/** One poller for every open page: it runs while a page listens, and reads only what was appended. */
export class LiveChanges {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  /** Where the next unread line of the audit log starts, and which file that offset is in. */
  private offset = 0;
  private inode = 0;
  private today = "";
  private started: Promise<void> | undefined;
  /** Bumped at each start and stop, so a look still running from before never schedules another. */
  private generation = 0;

  constructor(private readonly files: WatchedFiles) {}

  /** Calls `listener` with each change until `stop` is called; `ready` once changes are watched. */
  subscribe(listener: Listener): { ready: Promise<void>; stop: () => void } {
    this.listeners.add(listener);
    this.started ??= this.start();
    return {
      ready: this.started,
      stop: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.stop();
      },
    };
  }

  private async start(): Promise<void> {
    const generation = ++this.generation;
    const audit = await stat(this.files.audit).catch(() => undefined);
    this.offset = audit?.size ?? 0;
    this.inode = audit?.ino ?? 0;
    this.today = await this.todayVersion();
    this.schedule(generation);
  }

  private stop(): void {
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.started = undefined;
  }

  private schedule(generation: number): void {
    if (generation !== this.generation) return;
    this.timer = setTimeout(() => {
      void this.look().finally(() => this.schedule(generation));
    }, POLL_MS);
    // An open page must not keep the process alive on its own.
    this.timer.unref();
  }

  private async todayVersion(): Promise<string> {
    const info = await stat(this.files.today).catch(() => undefined);
    return info ? `${info.size}:${info.mtimeMs}` : "-";
  }

  /** The lines appended to the audit log since the last look, or "everything" when it cannot tell. */
  private async appended(): Promise<string[] | "everything"> {
    const info = await stat(this.files.audit).catch(() => undefined);
    if (!info) {
      // A log removed: said once, and a new one is read from its start.
      const had = this.offset > 0;
      this.offset = 0;
      this.inode = 0;
      return had ? "everything" : [];
    }
    // A log made since the watch began (a new workspace's first line) is read from its start.
    if (this.inode === 0 && this.offset === 0) this.inode = info.ino;
    if (info.ino !== this.inode || info.size < this.offset) {
      this.inode = info.ino;
      this.offset = info.size;
      return "everything";
    }
    if (info.size === this.offset) return [];
    if (info.size - this.offset > MAX_READ) {
      this.offset = info.size;
      return "everything";
    }
    const handle = await open(this.files.audit, "r");
    try {
      const buffer = Buffer.alloc(info.size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      // A line still being written is read whole next time.
      const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
      this.offset += end;
      return buffer
        .subarray(0, end)
        .toString("utf8")
        .split("\n")
        .filter((line) => line.length > 0);
    } finally {
      await handle.close();
    }
  }

  private async look(): Promise<void> {
    try {
      const lines = await this.appended();
      const today = await this.todayVersion();
      const change: Change = lines === "everything" ? { threads: [], pages: [...EVERY_PAGE] } : changeOf(lines);
      if (today !== this.today) {
        this.today = today;
        if (!change.pages.includes("today")) change.pages.push("today");
      }
      if (change.threads.length === 0 && change.pages.length === 0) return;
      if (change.pages.includes("inbox")) {
        const waiting = await this.files.waiting().catch(() => undefined);
        if (waiting !== undefined) change.waiting = waiting;
      }
      for (const listener of this.listeners) listener(change);
    } catch (error) {
      // A look that fails (the log unreadable for a moment) is tried again at the next one.
      process.stderr.write(`leanos serve: live updates: ${(error as Error).message}\n`);
    }
  }
}

/** The event stream of one open page: `change` events with what changed, JSON. */
export function liveUpdates(c: Context, changes: LiveChanges): Response {
  return streamSSE(c, async (stream) => {
    let closed = false;
    let aborted: () => void = () => {};
    const gone = new Promise<void>((resolve) => (aborted = resolve));
    const send = (event: string, data: string): Promise<void> =>
      stream.writeSSE({ event, data }).catch(() => {
        closed = true;
        aborted();
      });
    const subscription = changes.subscribe((change) => void send("change", JSON.stringify(change)));
    stream.onAbort(() => {
      closed = true;
      aborted();
    });
    try {
      await subscription.ready;
      await send("ready", "");
      while (!closed) {
        await Promise.race([stream.sleep(KEEPALIVE_MS), gone]);
        if (!closed) await send("keepalive", "");
      }
    } finally {
      subscription.stop();
    }
  });
}
