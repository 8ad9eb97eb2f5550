import { Command } from "commander";
import { serverOf, withServer } from "../session.js";

export function pendingCommand(): Command {
  return new Command("pending")
    .description("what waits for a human: thread, stage or action, impact, question")
    .argument("[thread]", "only this thread (slug or unique prefix)")
    .addHelpText("after", "\nExample:\n  leanos pending --json")
    .action(async (thread: string | undefined, _options: unknown, command: Command) => {
      const { formatPending } = await import("../format.js");
      const url = serverOf(command);
      if (url) return withServer(command, url, (remote) => remote.pending(thread), formatPending);
      const { withReader } = await import("../reader.js");
      await withReader(command, (reader) => reader.pending(thread), formatPending);
    });
}
