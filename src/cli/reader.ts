import type { Command } from "commander";
import type { IndexedThreads, ThreadReads } from "../runtime/acrossThreads.js";
import { using } from "../service/open.js";
import { clockFrom, globalsOf, jsonWanted, openRuntime, out, printJson } from "./session.js";

/**
 * Reads without LangGraph when it can; a thread a crash left "running", or a workspace without an
 * index, is handed to the full runtime, which reads it from its checkpoint and answers the same reads. Returns what
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
  const read = (threads: IndexedThreads & { workspace: { root: string } }) =>
    work(threadReads(threads)).then((value) => ({ value, root: threads.workspace.root }));
  try {
    return await using(
      ThreadReader.open({ ...(global.workspace ? { workspace: global.workspace } : {}), ...(now ? { now } : {}) }),
      read,
    );
  } catch (error) {
    if (!(error instanceof NeedsRuntime)) throw error;
    return using(openRuntime(command), read);
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
