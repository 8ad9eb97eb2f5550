import type { Command } from "commander";
import type { ThreadReads } from "../runtime/acrossThreads.js";
import { clockFrom, globalsOf, jsonWanted, openRuntime, out, printJson } from "./session.js";

/**
 * Reads without LangGraph when it can; a thread a crash left "running", or a workspace without an
 * index, is handed to the full runtime, which settles it and answers the same reads. Returns what
 * was read and the workspace's folder.
 */
export async function readThreads<T>(
  command: Command,
  work: (reads: ThreadReads) => Promise<T>,
): Promise<{ value: T; root: string }> {
  const [{ NeedsRuntime, ThreadReader }, { threadReads }] = await Promise.all([
    import("../runtime/reader.js"),
    import("../runtime/acrossThreads.js"),
  ]);
  const global = globalsOf(command);
  const now = clockFrom(global.now);
  try {
    const reader = await ThreadReader.open({
      ...(global.workspace ? { workspace: global.workspace } : {}),
      ...(now ? { now } : {}),
    });
    try {
      return { value: await work(threadReads(reader)), root: reader.workspace.root };
    } finally {
      await reader.close();
    }
  } catch (error) {
    if (!(error instanceof NeedsRuntime)) throw error;
    const runtime = await openRuntime(command);
    try {
      return { value: await work(threadReads(runtime)), root: runtime.workspace.root };
    } finally {
      await runtime.close();
    }
  }
}

/**
 * Reads as readThreads does and prints the value as JSON or text; `shown` then records the questions
 * the output put in front of the person (pending, status THREAD), once they are printed.
 */
export async function withReader<T>(
  command: Command,
  work: (reads: ThreadReads) => Promise<T>,
  text: (value: T) => string,
  shown?: (value: T, root: string) => Promise<void>,
): Promise<void> {
  const { value, root } = await readThreads(command, work);
  if (jsonWanted(command)) printJson(value);
  else out(text(value));
  await shown?.(value, root);
}
