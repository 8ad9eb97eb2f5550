import { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { ThreadType } from "../../core/stageSchemas.js";
import { globalsOf, serverOf, threadCommand, withServer } from "../session.js";

export function eventCommand(): Command {
  return (
    new Command("event")
      .description("start a thread from a raw event; runs until done or a gate")
      .argument("[text...]", "the event text (words are joined), or - to read it from stdin")
      .option(
        "-f, --file <file>",
        "read the event from a markdown file (front-matter date/source are used); a relative path is looked up in the current folder, then in the workspace",
      )
      .option(
        "-t, --type <type>",
        "thread type instead of the classifier's: sales, marketing, business (or operations, its newer name), or a type declared under thread_types in .leanos/config.yaml",
      )
      .option("-s, --source <source>", "where the event comes from (contract, CRM note...)")
      .option("-d, --date <date>", "when it happened, YYYY-MM-DD (default: the file's date, else today)")
      .addHelpText(
        "after",
        "\nExamples:\n  leanos event 'Acme deal closed: $40K ARR, 3-year term' --source contract.pdf\n  leanos event --file events/01-elsaai-deal-closed.md --json\n  leanos event '-30% demo conversion since the pricing page change'\n  cat note.md | leanos event -\nSingle quotes keep the text as it is: in double quotes the shell reads $40K as the variable $4 and a 0K.",
      )
      // "-30% demo conversion" is event text, not an option: unknown options reach the action, which
      // refuses only what looks like an option (a dash and a name, no spaces).
      .allowUnknownOption()
      .addHelpText(
        "after",
        "\nText that starts with - may be given as it is; -- before it also works.\nThe event must be UTF-8 text without NUL bytes, at most max_event_kb (.leanos/config.yaml, default 256) KB.",
      )
      .action(
        async (
          words: string[],
          options: { file?: string; type?: ThreadType; source?: string; date?: string },
          command: Command,
        ) => {
          const stray = words.find((word) => /^--?[A-Za-z][\w-]*(=\S*)?$/.test(word));
          if (stray) {
            const { similarOption } = await import("../suggest.js");
            const near = similarOption(command, stray);
            throw new UsageError(
              `unknown option '${stray}'${near ? ` (did you mean ${near}?)` : ""}\nleanos event --help shows its arguments, options and examples (options go before any --)`,
            );
          }
          const url = serverOf(command);
          const [{ readEvent, DEFAULT_MAX_EVENT_KB }, { openWorkspace }] = await Promise.all([
            import("../../stages/readEvent.js"),
            import("../../workspace/workspace.js"),
          ]);
          // The workspace is opened first: its config sets the size limit, a relative --file may be in it,
          // and a missing workspace is reported before anything is read from stdin. Through a server, the
          // server's workspace is used.
          const workspace = url ? undefined : await openWorkspace(globalsOf(command).workspace);
          // A type the workspace does not know is refused before the event is read (through a server, the server refuses it).
          if (workspace && options.type !== undefined) {
            const { canonicalType, unknownTypeMessage } = await import("../../core/threadTypes.js");
            if (canonicalType(workspace.threadTypes, options.type) === undefined)
              throw new UsageError(`--type: ${unknownTypeMessage(workspace.threadTypes, options.type)}`);
          }
          const text = words.length > 0 ? words.join(" ") : undefined;
          const event = await readEvent({
            ...(text !== undefined ? { text } : {}),
            ...(options.file ? { file: options.file } : {}),
            ...(workspace ? { workspaceRoot: workspace.root } : {}),
            ...(options.date !== undefined ? { date: options.date } : {}),
            ...(options.source ? { source: options.source } : {}),
            today: new Date().toISOString().slice(0, 10),
            maxBytes: (workspace?.config.max_event_kb ?? DEFAULT_MAX_EVENT_KB) * 1024,
          });
          if (url) {
            const { formatResult, resultJson } = await import("../format.js");
            return withServer(
              command,
              url,
              (remote) => remote.startEvent(event, options.type),
              formatResult,
              resultJson,
            );
          }
          await threadCommand(command, (runtime) => runtime.startEvent(event, options.type));
        },
      )
  );
}
