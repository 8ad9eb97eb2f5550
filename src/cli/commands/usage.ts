import { Command } from "commander";
import { withRecords } from "../session.js";

export function usageCommand(): Command {
  return new Command("usage")
    .description("model calls, tokens, cache reads and cost, from the audit log")
    .argument("[thread]", "only this thread (slug or unique prefix)")
    .addHelpText("after", "\nExamples:\n  leanos usage\n  leanos usage sales/elsaai-deal-closed --json")
    .action(async (thread: string | undefined, _options: unknown, command: Command) => {
      const { summariseUsage, formatUsage } = await import("../../ops/usage.js");
      await withRecords(
        command,
        async (records) =>
          summariseUsage(await records.audit.read(), thread ? await records.threadNamed(thread) : undefined),
        formatUsage,
      );
    });
}
