import { Command } from "commander";
import { withRecords } from "../session.js";

export function trustCommand(): Command {
  return new Command("trust")
    .description(
      "per thread type: decisions people answered, how many of the latest they accepted unchanged, and whether its decisions act alone",
    )
    .addHelpText(
      "after",
      "\nAn agreement is a decision accepted unchanged; a correction is an edit, a respond, a reject or a\nleanos correct. The mode and the bar are the workspace's settings autonomy and trust (README: Autonomy).\n\nExamples:\n  leanos trust\n  leanos trust --json",
    )
    .action(async (_options: unknown, command: Command) => {
      const { trustReport, formatTrust } = await import("../../ops/trust.js");
      await withRecords(
        command,
        (records) => trustReport(records.audit, records.workspace.config, records.workspace.threadTypes),
        formatTrust,
      );
    });
}
