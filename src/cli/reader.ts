import type { Command } from "commander";
import type { ThreadReader } from "../runtime/reader.js";
import { globalsOf, clockFrom, withRuntime, jsonWanted, out, printJson } from "./session.js";

/** What the read-only commands ask: answered by the ThreadReader, and by the full runtime when it must be. */
export type ReadWork<T> = (reader: Pick<ThreadReader, "pending" | "thread" | "statusRows">) => Promise<T>;

/**
 * Reads without LangGraph when it can; a thread a crash left "running", or a workspace without an
 * index, is handed to the full runtime, which settles it (Runtime offers the same reads).
 */
export async function withReader<T>(command: Command, work: ReadWork<T>, text: (value: T) => string): Promise<void> {
  const { NeedsRuntime, ThreadReader } = await import("../runtime/reader.js");
  const global = globalsOf(command);
  const now = clockFrom(global.now);
  let value: T;
  try {
    const reader = await ThreadReader.open({ ...(global.workspace ? { workspace: global.workspace } : {}), ...(now ? { now } : {}) });
    try {
      value = await work(reader);
    } finally {
      await reader.close();
    }
  } catch (error) {
    if (!(error instanceof NeedsRuntime)) throw error;
    const { statusRows } = await import("../runtime/acrossThreads.js");
    return withRuntime(
      command,
      (runtime) =>
        work({
          pending: (name) => runtime.pending(name),
          thread: async (name) => {
            const { meta } = await runtime.resolve(name);
            return { ...meta, next: runtime.nextStep(meta) };
          },
          statusRows: () => statusRows(runtime),
        }),
      text,
    );
  }
  if (jsonWanted(command)) printJson(value);
  else out(text(value));
}
