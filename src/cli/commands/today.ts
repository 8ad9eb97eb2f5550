import { Command } from "commander";
import { withPassWorld } from "../session.js";

export function todayCommand(): Command {
  return new Command("today")
    .description(
      "rebuild ops/today.md (what waits, AI decisions, canvas changes, opportunities, snapshot, alerts) and print it",
    )
    .addHelpText("after", "\nExamples:\n  leanos today\n  leanos today --now 2026-12-01T08:00:00Z --json")
    .action(async (_options: unknown, command: Command) => {
      const { writeToday } = await import("../../ops/todayFile.js");
      await withPassWorld(command, writeToday, (result) => result.markdown);
    });
}
