import { Command } from "commander";
import { UsageError } from "../../errors.js";
import { withRuntime } from "../session.js";

export function migrateStoreCommand(): Command {
  return new Command("migrate-store")
    .description(
      "copy this workspace's checkpoints, thread index, claims and memory (examples and rules) to another store (SQLite to PostgreSQL, or back)",
    )
    .requiredOption("--to <store>", 'a postgres:// URL, or "sqlite" for .leanos/checkpoints.sqlite')
    .option(
      "--workspace-id <id>",
      "the workspace's id in PostgreSQL (default: LEANOS_WORKSPACE_ID or workspace_id in .leanos/config.yaml)",
    )
    .addHelpText(
      "after",
      "\nThe source is the store this workspace uses now, and is left as it was. Stop schedules and workers\nfirst: the pass lease and each thread's lease are held while it copies, and a thread busy elsewhere\nstops it. Run it again to finish a migration cut short. Then point every process at the new store.\n\nThe memory is copied item by item; an item the target already holds with the same value is left\nas it is, and one it holds under the same key with another value stops the migration before it\ncopies anything.\n\nExamples:\n  leanos migrate-store --to postgres://leanos@db.internal/leanos --workspace-id glamyouup\n  LEANOS_DATABASE_URL=postgres://leanos@db.internal/leanos LEANOS_WORKSPACE_ID=glamyouup leanos migrate-store --to sqlite",
    )
    .action(async (options: { to: string; workspaceId?: string }, command: Command) => {
      const [{ migrateStore, formatMigration, switchAdvice }, { openStore, storeChoiceOf, sameStore, targetChoiceOf }] =
        await Promise.all([import("../../runtime/migrateStore.js"), import("../../store/open.js")]);
      await withRuntime(
        command,
        async (runtime) => {
          const choice = targetChoiceOf(options.to, options.workspaceId, runtime.workspace);
          if (sameStore(choice, storeChoiceOf(runtime.workspace)))
            throw new UsageError(`this workspace already uses ${runtime.store.where}; --to names where it should go`);
          const target = await openStore(runtime.workspace, choice);
          try {
            const report = await migrateStore(runtime, target, { log: (line) => process.stderr.write(`  ${line}\n`) });
            return { ...report, next: switchAdvice(choice) };
          } finally {
            await target.close();
          }
        },
        (report) => `${formatMigration(report)}\n${report.next}`,
      );
    });
}
