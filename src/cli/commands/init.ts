import { Command, Option } from "commander";
import { jsonWanted, out, printJson } from "../session.js";

export function initCommand(): Command {
  return new Command("init")
    .description("lay out a new workspace: canvas skeleton, assumptions file, folders, settings")
    .argument("[dir]", "where (default: the current folder)", ".")
    .option("-c, --company <name>", "the company's name", "Our company")
    .addOption(
      new Option("--mode <mode>", "business mode: how impact is scored")
        .choices(["VENTURE", "BOOTSTRAP", "HYBRID"])
        .default("BOOTSTRAP"),
    )
    .addOption(
      new Option(
        "--layout <layout>",
        "the canvas's file names: LeanOS's guide (00-business-model-mode.md .. 15-gtm.md), or its dot-named layout (00.mode.md .. 15.gtm.md)",
      )
        .choices(["lean-os", "lean-os-dot"])
        .default("lean-os"),
    )
    .option(
      "--git",
      "make the workspace a git repository with a first commit, so approved canvas changes are committed",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  leanos init ~/acme --company Acme --mode VENTURE --git\n  leanos init ~/acme --company Acme --layout lean-os-dot",
    )
    .action(
      async (
        dir: string,
        options: {
          company: string;
          mode: "VENTURE" | "BOOTSTRAP" | "HYBRID";
          layout: "lean-os" | "lean-os-dot";
          git?: boolean;
        },
        command: Command,
      ) => {
        const { initWorkspace } = await import("../../ops/init.js");
        const result = await initWorkspace(dir, {
          company: options.company,
          mode: options.mode,
          git: Boolean(options.git),
          layout: options.layout,
        });
        if (jsonWanted(command)) printJson(result);
        else {
          out(
            `Workspace laid out in ${result.root} (${result.files.length} files). Next: fill in strategy/canvas/, then leanos --workspace ${result.root} event "..."`,
          );
          for (const note of result.notes) out(note);
        }
      },
    );
}
