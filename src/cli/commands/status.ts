import { Command } from "commander";
import type { PendingItem } from "../../core/threadMeta.js";
import { recordShownQuietly, serverOf, shownPlaceOf, withServer } from "../session.js";

export function statusCommand(): Command {
  return new Command("status")
    .description("threads with stage, state, next step; one thread in detail")
    .argument("[thread]", "one thread (slug or unique prefix)")
    .addHelpText(
      "after",
      "\nOne thread's detail shows what it waits for, and records it as shown to you, as leanos pending does.\n\nExamples:\n  leanos status\n  leanos status elsaai --json",
    )
    .action(async (thread: string | undefined, _options: unknown, command: Command) => {
      const { formatRemoteStatus, formatRemoteThread, formatStatus, formatThread } = await import("../format.js");
      const url = serverOf(command);
      // One thread in detail puts its waiting question in front of the person (the list only names it).
      const shown = async (one: { thread: string; pending: PendingItem[] }, root?: string): Promise<void> =>
        recordShownQuietly(command, await shownPlaceOf(command, root), one.pending, { threads: [one.thread] });
      if (url) {
        if (thread)
          return withServer(command, url, (remote) => remote.status(thread), formatRemoteThread, undefined, shown);
        return withServer(command, url, (remote) => remote.threads(), formatRemoteStatus);
      }
      const { withReader } = await import("../reader.js");
      if (thread) return withReader(command, (reader) => reader.thread(thread), formatThread, shown);
      await withReader(command, (reader) => reader.statusRows(), formatStatus);
    });
}
