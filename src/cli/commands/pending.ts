import { Command } from "commander";
import type { PendingItem } from "../../core/threadMeta.js";
import { recordShownQuietly, serverOf, shownPlaceOf, withServer } from "../session.js";

export function pendingCommand(): Command {
  return new Command("pending")
    .description("what waits for a human: thread, stage or action, impact, question")
    .argument("[thread]", "only this thread (slug or unique prefix)")
    .addHelpText(
      "after",
      "\nWhat it lists is recorded as shown to you (.leanos/shown.json): leanos approve THREAD then answers the\nquestion you saw, and asks first if another one has come up since.\n\nExamples:\n  leanos pending\n  leanos pending --json",
    )
    .action(async (thread: string | undefined, _options: unknown, command: Command) => {
      const { formatPending } = await import("../format.js");
      const url = serverOf(command);
      // The whole list covers every thread (one that no longer waits is dropped from the record); one thread's, only it.
      const shown = async (items: PendingItem[], root?: string): Promise<void> =>
        recordShownQuietly(
          command,
          await shownPlaceOf(command, root),
          items,
          thread === undefined ? { all: true } : { threads: items.map((item) => item.thread) },
        );
      if (url) return withServer(command, url, (remote) => remote.pending(thread), formatPending, undefined, shown);
      const { withReader } = await import("../reader.js");
      await withReader(command, (reader) => reader.pending(thread), formatPending, shown);
    });
}
