import { Command } from "commander";
import { globalsOf, jsonWanted } from "../session.js";

export function canvasCommand(): Command {
  return new Command("canvas")
    .description("the canvas assumptions with status, confidence, last validation and evidence")
    .option("--history <id>", "how one assumption's confidence moved, thread by thread")
    .option("--check", "the layout the canvas follows, and the sections found and missing, by role")
    .addHelpText(
      "after",
      "\nExamples:\n  leanos canvas\n  leanos canvas --history A4\n  leanos canvas --check\n  leanos canvas --json",
    )
    .action(async (options: { history?: string; check?: boolean }, command: Command) => {
      const { showCanvas, checkCanvas } = await import("../canvasCommand.js");
      if (options.check) return checkCanvas({ workspace: globalsOf(command).workspace, json: jsonWanted(command) });
      await showCanvas({
        workspace: globalsOf(command).workspace,
        json: jsonWanted(command),
        ...(options.history ? { history: options.history } : {}),
      });
    });
}
