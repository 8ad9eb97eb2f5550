import { Command } from "commander";
import { withPassWorld } from "../session.js";

export function passCommand(): Command {
  return new Command("pass")
    .description(
      "one autonomous pass: run due steps, never cross a gate, spot patterns, flag what is stuck, rewrite ops/today.md",
    )
    .option("--scan", "read every thread folder first and mend the thread index where it disagrees (as leanos reindex)")
    .addHelpText(
      "after",
      "\nExamples:\n  leanos pass\n  leanos pass --now 2026-12-03T08:00:00Z --json\n\nFrom cron instead of leanos schedule:\n  0 8 * * *  cd /srv/glamyouup && leanos pass >> .leanos/pass.log 2>&1",
    )
    .action(async (options: { scan?: boolean }, command: Command) => {
      const { runPass, formatPass } = await import("../../ops/pass.js");
      const control = {
        stopping: false,
        scan: options.scan === true,
        log: (line: string) => process.stderr.write(`  ${line}\n`),
      };
      // A signal lets the step in hand finish; every write is atomic, so nothing is left half-written.
      const stop = (): void => {
        control.stopping = true;
      };
      // `on`, not `once`: a library's exit hook re-raises a signal nobody else listens to any more.
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
      try {
        await withPassWorld(command, (world) => runPass(world, control), formatPass);
      } finally {
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
      }
    });
}
