import { Command } from "commander";
import { UsageError } from "../../errors.js";
import { who, withRecords } from "../session.js";

export function memoryCommand(): Command {
  const memory = new Command("memory")
    .description(
      "what the workspace remembers: an example of every decision people accepted or corrected, and the rules they confirmed",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  leanos memory\n  leanos memory --json\n  leanos memory forget ID   # ID: as leanos memory lists it\n  leanos memory accept RULE # a proposed rule joins the memory\n  leanos memory reject RULE # a proposed rule is dropped",
    )
    .action(async (_options: unknown, command: Command) => {
      const { listMemory, formatMemory } = await import("../../memory/listing.js");
      await withRecords(command, (records) => listMemory(records.store.memory), formatMemory);
    });
  memory
    .command("forget")
    .description("take one example or rule out of the memory (the audit log records it)")
    .argument("<id>", "the id leanos memory lists")
    .action(async (id: string, _options: unknown, command: Command) => {
      const { forgetMemory, listMemory } = await import("../../memory/listing.js");
      await withRecords(
        command,
        async (records) => {
          const entry = (await listMemory(records.store.memory)).find((candidate) => candidate.id === id);
          if (!entry || !(await forgetMemory(records.store.memory, id)))
            throw new UsageError(
              `the memory holds nothing with the id ${JSON.stringify(id)} (leanos memory lists what it holds); nothing was changed`,
            );
          await records.audit.append({
            kind: "memory-forgotten",
            at: records.now().toISOString(),
            thread: entry.from.replace(/^threads\//, ""),
            id,
            by: who(),
            says: entry.says,
          });
          return { forgotten: entry };
        },
        (result) =>
          `Forgot ${result.forgotten.kind} ${result.forgotten.id} (${result.forgotten.from}: ${result.forgotten.says}).`,
      );
    });
  for (const [name, judged] of [
    ["accept", "accepted"],
    ["reject", "rejected"],
  ] as const) {
    memory
      .command(name)
      .description(
        judged === "accepted"
          ? "a proposed rule joins the memory: drafters apply it before their own rules (the audit log records it)"
          : "drop a proposed rule (the audit log records it)",
      )
      .argument("<id>", "the id of a proposed rule, as leanos memory lists it")
      .action(async (id: string, _options: unknown, command: Command) => {
        const { judgeRule } = await import("../../runtime/ruleProposal.js");
        await withRecords(
          command,
          (records) =>
            judgeRule(
              { store: records.store, audit: records.audit, at: records.now().toISOString() },
              id,
              judged,
              who(),
            ),
          (result) => `${result.judged === "accepted" ? "Accepted" : "Rejected"} rule ${result.id}: ${result.says}.`,
        );
      });
  }
  return memory;
}
