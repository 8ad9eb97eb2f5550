import { Command } from "commander";
import { UsageError } from "../../errors.js";
import { answerCommand, WHICH_QUESTION_HELP, withAnswerOptions, type WhichQuestion } from "../answer.js";
import { who } from "../session.js";

export function approveCommand(): Command {
  return withAnswerOptions(
    new Command("approve")
      .description("accept the waiting gate (optionally with edited values) and resume")
      .argument("<thread>", "the thread (slug or unique prefix)")
      .option("-e, --edit <json>", 'changed values, e.g. \'{"verdict":"DEFER"}\' or \'{"due":"2026-12-01"}\'')
      .addHelpText(
        "after",
        `${WHICH_QUESTION_HELP}\nExamples:\n  leanos pending\n  leanos approve sales/elsaai-deal-closed\n  leanos approve elsaai --edit '{"verdict":"DEFER"}'   # the fields: leanos pending --json\n  leanos approve elsaai --interrupt ID   # ID: the id of the item in leanos pending --json\n  leanos approve elsaai --yes            # a script that answers whatever waits`,
      )
      .action(async (thread: string, options: { edit?: string } & WhichQuestion, command: Command) => {
        let edits: Record<string, unknown> | undefined;
        if (options.edit !== undefined) {
          try {
            edits = JSON.parse(options.edit) as Record<string, unknown>;
          } catch {
            throw new UsageError(`--edit: not valid JSON: ${options.edit}`);
          }
          if (edits === null || typeof edits !== "object" || Array.isArray(edits))
            throw new UsageError("--edit must be a JSON object");
          // Said in the option's own words; the gate refuses the same, for any client, in its own.
          if (Object.keys(edits).length === 0)
            throw new UsageError("--edit needs a JSON object of the values to change");
        }
        const answer = edits
          ? { type: "edit" as const, args: { action: "edit", args: edits }, by: who() }
          : { type: "accept" as const, args: null, by: who() };
        await answerCommand(command, thread, answer, options);
      }),
  );
}
