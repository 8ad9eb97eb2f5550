import { Command } from "commander";
import { withRuntime } from "../session.js";

export function resumeCommand(): Command {
  return new Command("resume")
    .description("run a failed or interrupted thread on from its last checkpoint (completed stages are not redone)")
    .argument("<thread>", "the thread (slug or unique prefix)")
    .addHelpText(
      "after",
      "\nA thread with nothing left to run is shown as it is: what it waits for and the command that answers it.\n\nExample:\n  leanos resume sales/elsaai-deal-closed",
    )
    .action(async (thread: string, _options: unknown, command: Command) => {
      const { formatResumed, resultJson } = await import("../format.js");
      await withRuntime(
        command,
        (runtime) => runtime.resume(thread),
        formatResumed,
        (result) => ({ ...resultJson(result), ran: result.ran }),
      );
    });
}
