import { Command } from "commander";
import { answerCommand, WHICH_QUESTION_HELP, withAnswerOptions, type WhichQuestion } from "../answer.js";
import { who } from "../session.js";

export function respondCommand(): Command {
  return withAnswerOptions(
    new Command("respond")
      .description("give feedback; the stage is redrafted and asked again")
      .argument("<thread>", "the thread (slug or unique prefix)")
      .argument("<text>", "the feedback")
      .addHelpText(
        "after",
        `${WHICH_QUESTION_HELP}\nExamples:\n  leanos pending elsaai\n  leanos respond elsaai "defer until the customer agrees to be named"`,
      )
      .action(async (thread: string, text: string, options: WhichQuestion, command: Command) => {
        await answerCommand(command, thread, { type: "response", args: text, by: who() }, options);
      }),
  );
}
