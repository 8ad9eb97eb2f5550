import { Command } from "commander";
import { withRuntime } from "../session.js";

export function reindexCommand(): Command {
  return new Command("reindex")
    .description("check the thread index against every thread folder's meta.json, and mend it")
    .option("--check", "only report the disagreements; exit 1 if there are any")
    .addHelpText(
      "after",
      "\nThe index (in .leanos/checkpoints.sqlite, or PostgreSQL) is how pending, status, today and pass find\nopen work without reading every thread folder. It is kept in step with meta.json; after a crash, a\nrestore from backup, or thread folders copied in by hand, this brings it back.\n\nExamples:\n  leanos reindex\n  leanos reindex --check --json",
    )
    .action(async (options: { check?: boolean }, command: Command) => {
      const { reindex, formatReindex, disagreements } = await import("../../runtime/reindex.js");
      let found = 0;
      await withRuntime(
        command,
        async (runtime) => {
          const report = await reindex(runtime, { check: options.check === true });
          found = disagreements(report);
          return report;
        },
        formatReindex,
      );
      if (options.check && found > 0) process.exitCode = 1;
    });
}
