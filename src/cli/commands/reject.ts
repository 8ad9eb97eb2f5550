import { Command } from "commander";
import { UsageError } from "../../errors.js";
import { answerCommand, WHICH_QUESTION_HELP, withAnswerOptions, type WhichQuestion } from "../answer.js";
import { who } from "../session.js";

export function rejectCommand(): Command {
  return withAnswerOptions(
    new Command("reject")
      .description("refuse the waiting gate; the thread records why and moves on")
      .argument("<thread>", "the thread (slug or unique prefix)")
      .option("-r, --reason <text>", "why (recorded in the thread; must not be empty)")
      .addHelpText(
        "after",
        `${WHICH_QUESTION_HELP}\nExamples:\n  leanos pending elsaai\n  leanos reject sales/elsaai-deal-closed --reason "customer has not agreed to publicity"`,
      )
      .action(async (thread: string, options: { reason?: string } & WhichQuestion, command: Command) => {
        if (options.reason !== undefined && options.reason.trim().length === 0)
          throw new UsageError(
            "--reason must say why (it is recorded in the thread); leave --reason out to record none",
          );
        await answerCommand(
          command,
          thread,
          { type: "ignore", args: options.reason ?? "no reason given", by: who() },
          options,
        );
      }),
  );
}
