import { Command } from "commander";
import { jsonWanted } from "../session.js";

export function demoCommand(): Command {
  return new Command("demo")
    .description("copy the sample workspace to a temp folder and run an event through it")
    .addHelpText("after", "\nExample:\n  leanos demo")
    .action(async (_options: unknown, command: Command) => {
      const { runDemo } = await import("../demo.js");
      await runDemo({ json: jsonWanted(command) });
    });
}
