import { Command } from "commander";
import { serverOf, withServer } from "../session.js";

export function statusCommand(): Command {
  return new Command("status")
    .description("threads with stage, state, next step; one thread in detail")
    .argument("[thread]", "one thread (slug or unique prefix)")
    .addHelpText("after", "\nExamples:\n  leanos status\n  leanos status elsaai --json")
    .action(async (thread: string | undefined, _options: unknown, command: Command) => {
      const { formatRemoteStatus, formatStatus, formatThread } = await import("../format.js");
      const url = serverOf(command);
      if (url) {
        if (thread) return withServer(command, url, (remote) => remote.status(thread), (row) => formatRemoteStatus([row]));
        return withServer(command, url, (remote) => remote.threads(), formatRemoteStatus);
      }
      const { withReader } = await import("../reader.js");
      if (thread) return withReader(command, (reader) => reader.thread(thread), formatThread);
      await withReader(command, (reader) => reader.statusRows(), formatStatus);
    });
}
