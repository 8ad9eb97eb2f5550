import { join } from "node:path";
import pc from "picocolors";
import { AlreadyAnswered, UsageError } from "../errors.js";
import { AnswerRefused } from "../core/refusal.js";
import type { PendingItem } from "../core/threadMeta.js";
import { shownPaths, type ProgressPlace } from "../files/shownPaths.js";
import type { ProgressEvent } from "../graph/kit.js";
import type { ThreadService } from "../runtime/threadService.js";
import { using } from "../service/open.js";
import { chatRefusal } from "./present.js";

// What every step of a chat session runs on: the lines in and the words out, a runtime opened for
// the step, and a failure said to the person without ending the session.

export interface ChatIO {
  /** Lines typed or piped in; ends at EOF. */
  lines: AsyncIterator<string>;
  /** What a person reads (prompts, material, progress). */
  say: (text: string) => void;
  /** One JSON document a line for each answered item (--json), or undefined. */
  record?: (value: unknown) => void;
  prompt: (text: string) => void;
}

/** A chat session works on the workspace's threads as every front end does (runtime/threadService.ts): embedded or through a server. */
export type ChatBackend = ThreadService;

export interface ChatOptions {
  open: (extra?: { onProgress?: (event: ProgressEvent) => void }) => Promise<ChatBackend>;
  by: string;
  editor?: string;
  /** Told of each item once it is shown in full, so `leanos approve` knows the question was seen (shown.ts). */
  shown?: (item: PendingItem) => Promise<void>;
}

export type Ask = { kind: "line"; text: string } | { kind: "eof" };

/** Prompts and reads the next line. */
export async function next(io: ChatIO, prompt: string): Promise<Ask> {
  io.prompt(prompt);
  const line = await io.lines.next();
  return line.done ? { kind: "eof" } : { kind: "line", text: line.value };
}

export async function withRuntime<T>(
  options: ChatOptions,
  io: ChatIO,
  work: (runtime: ChatBackend) => Promise<T>,
): Promise<T> {
  // A fresh runtime for each step: the canvas and the threads are read as they are now.
  let place: ProgressPlace | undefined;
  const opening = options.open({ onProgress: progressTo(io, () => place) }).then((runtime) => {
    if (runtime.root) place = { root: runtime.root, threadsDir: join(runtime.root, "threads") };
    return runtime;
  });
  return using(opening, work);
}

/** Progress as the session shows it: the files a step wrote, as paths from the workspace that exist. */
function progressTo(io: ChatIO, place: () => ProgressPlace | undefined): (event: ProgressEvent) => void {
  return (event) => {
    if (event.kind === "stage-done") {
      const where = place();
      io.say(
        `  ${pc.green("✓")} ${event.stage.padEnd(12)} ${where ? shownPaths(where, event.thread, event.files).join(", ") : ""}`.trimEnd(),
      );
    } else if (event.kind === "gate") io.say(`  ${pc.cyan("→")} ${event.stage} gate: ${event.detail}`);
  };
}

/** Runs a step, printing a usage problem instead of ending the session. */
export async function safely<T>(io: ChatIO, work: () => Promise<T>): Promise<T | "answered-elsewhere" | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AlreadyAnswered) return "answered-elsewhere";
    if (error instanceof UsageError) {
      io.say(pc.yellow(error instanceof AnswerRefused ? chatRefusal(error.refusal) : error.message));
      io.say(pc.dim("The item still waits; answer again, or type help."));
      return undefined;
    }
    io.say(pc.red(`failed: ${(error as Error).message}`));
    return undefined;
  }
}
