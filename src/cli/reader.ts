import type { Command } from "commander";
import type { ThreadReads } from "../runtime/acrossThreads.js";
import { clockFrom, globalsOf, jsonWanted, out, printJson, withRuntime } from "./session.js";

/**
 * Reads without LangGraph when it can; a thread a crash left "running", or a workspace without an
 * index, is handed to the full runtime, which settles it and answers the same reads.
 */
export async function withReader<T>(command: Command, work: (reads: ThreadReads) => Promise<T>, text: (value: T) => string): Promise<void> {
  const [{ NeedsRuntime, ThreadReader }, { threadReads }] = await Promise.all([import("../runtime/reader.js"), import("../runtime/acrossThreads.js")]);
  const global = globalsOf(command);
  const now = clockFrom(global.now);
  let value: T;
  try {
    const reader = await ThreadReader.open({ ...(global.workspace ? { workspace: global.workspace } : {}), ...(now ? { now } : {}) });
    try {
      value = await work(threadReads(reader));
    } finally {
      await reader.close();
    }
  } catch (error) {
    if (!(error instanceof NeedsRuntime)) throw error;
    return withRuntime(command, (runtime) => work(threadReads(runtime)), text);
  }
  if (jsonWanted(command)) printJson(value);
  else out(text(value));
}
