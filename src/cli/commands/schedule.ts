import { Command } from "commander";
import { checkDataFilesOf, globalsOf, jsonWanted, serviceOptionsOf } from "../session.js";

export function scheduleCommand(): Command {
  return new Command("schedule")
    .description("run passes on a cron schedule in the foreground until SIGINT or SIGTERM")
    .requiredOption("--cron <expr>", 'cron expression (5 fields, or 6 with seconds), e.g. "0 8 * * *"')
    .option("--timezone <tz>", "time zone of the expression (default: the machine's)")
    .addHelpText("after", '\nExample:\n  leanos schedule --cron "0 8 * * *"     # a pass every morning at 8:00')
    .action(async ({ cron, timezone }: { cron: string; timezone?: string }, command: Command) => {
      const { runSchedule } = await import("../../ops/schedule.js");
      // Checked here, before the schedule starts waiting (a bad --now is refused at once).
      const { clockOf, openRuntime } = await import("../../service/open.js");
      const options = serviceOptionsOf(command);
      clockOf(options.now);
      await runSchedule({
        cron,
        ...(timezone !== undefined ? { timezone } : {}),
        json: jsonWanted(command),
        open: async () => {
          await checkDataFilesOf(globalsOf(command).workspace);
          return openRuntime(options);
        },
      });
    });
}
