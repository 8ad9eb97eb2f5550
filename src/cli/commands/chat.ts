import { Command } from "commander";
import type { ChatBackend } from "../../approvals/chat.js";
import {
  globalsOf,
  jsonWanted,
  recordShownQuietly,
  runtimeOptionsOf,
  serverOf,
  shownPlaceOf,
  who,
} from "../session.js";

export function chatCommand(): Command {
  return new Command("chat")
    .description("interactive approvals: walk through what waits, answer each item, hand over new events")
    .addHelpText(
      "after",
      "\nAnswers: accept · edit FIELD VALUE · edit ($EDITOR) · respond TEXT · reject REASON · skip · list · event: TEXT · help · quit\nEach answer names the item it answers; an item shown in full is recorded as shown to you, as leanos pending does.\n\nExamples:\n  leanos chat\n  printf 'edit verdict DEFER\\nquit\\n' | leanos chat --json",
    )
    .action(async (_options: unknown, command: Command) => {
      const [{ runChatCommand }, { DEFAULT_MAX_EVENT_KB }] = await Promise.all([
        import("../chatCommand.js"),
        import("../../stages/readEvent.js"),
      ]);
      const global = globalsOf(command);
      const url = serverOf(command);
      // The workspace the session works on, known once it is opened (the record of what was shown lives there).
      let root: string | undefined;
      await runChatCommand({
        json: jsonWanted(command),
        by: who(),
        open: async (extra): Promise<ChatBackend> => {
          if (url) {
            const [{ RemoteThreads }, { serverChat }, { openWorkspace }] = await Promise.all([
              import("../../remote/threads.js"),
              import("../../approvals/chatBackend.js"),
              import("../../workspace/workspace.js"),
            ]);
            // Drafts are shown when this machine has the served workspace (a shared folder, or the same machine).
            const local = global.workspace ? await openWorkspace(global.workspace) : undefined;
            return serverChat(new RemoteThreads(url, { user: who() }), {
              ...(local ? { root: local.root } : {}),
              maxEventBytes: (local?.config.max_event_kb ?? DEFAULT_MAX_EVENT_KB) * 1024,
            });
          }
          const [{ Runtime }, { runtimeChat }] = await Promise.all([
            import("../../runtime/engine.js"),
            import("../../approvals/chatBackend.js"),
          ]);
          const backend = runtimeChat(await Runtime.open(runtimeOptionsOf(command, extra)));
          root = backend.root;
          return backend;
        },
        shown: async (item) => {
          if (url || root !== undefined)
            await recordShownQuietly(command, await shownPlaceOf(command, root), [item], { threads: [item.thread] });
        },
      });
    });
}
