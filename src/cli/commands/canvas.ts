import { Command } from "commander";
import { globalsOf, jsonWanted } from "../session.js";

export function canvasCommand(): Command {
  return new Command("canvas")
    .description("the canvas assumptions with status, confidence, last validation and evidence")
    .option("--history <id>", "how one assumption's confidence moved, thread by thread")
    .addHelpText("after", "\nExamples:\n  leanos canvas\n  leanos canvas --history A4\n  leanos canvas --json")
    .action(async (options: { history?: string }, command: Command) => {
      const { showCanvas } = await import("../canvasCommand.js");
      await showCanvas({ workspace: globalsOf(command).workspace, json: jsonWanted(command), ...(options.history ? { history: options.history } : {}) });
    });
}
