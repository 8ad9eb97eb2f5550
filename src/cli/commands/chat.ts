import { Command } from "commander";
import type { ChatBackend } from "../../approvals/chat.js";
import { jsonWanted, recordShownQuietly, serviceOptionsOf, serverOf, shownPlaceOf, who } from "../session.js";

export function chatCommand(): Command {
  return new Command("chat")
    .description("interactive approvals: walk through what waits, answer each item, hand over new events")
    .addHelpText(
      "after",
      "\nAnswers: accept · edit FIELD VALUE · edit ($EDITOR) · respond TEXT · reject REASON · skip · list · event: TEXT · help · quit\nEach answer names the item it answers; an item shown in full is recorded as shown to you, as leanos pending does.\n\nExamples:\n  leanos chat\n  printf 'edit verdict DEFER\\nquit\\n' | leanos chat --json",
    )
    .action(async (_options: unknown, command: Command) => {
      const { runChatCommand } = await import("../chatCommand.js");
      const url = serverOf(command);
      // The workspace the session works on, known once it is opened (the record of what was shown lives there).
      let root: string | undefined;
      await runChatCommand({
        json: jsonWanted(command),
        by: who(),
        open: async (extra): Promise<ChatBackend> => {
          const { openThreadService } = await import("../../service/open.js");
          const threads = await openThreadService(serviceOptionsOf(command, extra));
          if (!url) root = threads.root;
          return threads;
        },
        shown: async (item) => {
          if (url || root !== undefined)
            await recordShownQuietly(command, await shownPlaceOf(command, root), [item], { threads: [item.thread] });
        },
      });
    });
}
