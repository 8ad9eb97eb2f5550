import { Command } from "commander";
import { globalsOf, jsonWanted, out, printJson } from "../session.js";

export function valuesCommand(): Command {
  return new Command("values")
    .description(
      "the value function (strategy/values.md): hard constraints and which are checked in code, soft constraints, tradeoffs, precedents",
    )
    .addHelpText(
      "after",
      "\nA hard constraint with a measurable form (a spend ceiling, a discount limit, regions, days and hours of\nsending) is checked before any action runs: an action that breaks it is blocked and waits for a person,\nwhatever the mode or the impact. One in prose has a decision\nthat acts under it wait for a person, shown what a model drafter judged of it.\n\nExamples:\n  leanos values\n  leanos values --json",
    )
    .action(async (_options: unknown, command: Command) => {
      const [{ openWorkspace }, { readValues, hardName }, { describeForm }, { workspaceCurrency }, { readCanvas }] =
        await Promise.all([
          import("../../workspace/workspace.js"),
          import("../../values/valuesFile.js"),
          import("../../values/measurable.js"),
          import("../../text/money.js"),
          import("../../canvas/canvas.js"),
        ]);
      const workspace = await openWorkspace(globalsOf(command).workspace);
      const home =
        workspace.config.currency ?? workspaceCurrency(await readCanvas(workspace.canvasDir, workspace.root));
      const values = await readValues(workspace.root, home);
      if (jsonWanted(command)) return printJson(values ?? null);
      if (!values)
        return out(
          "no value function: strategy/values.md holds the hard and soft constraints, tradeoffs and precedents (see the README)",
        );
      out(
        [
          `Hard constraints (${values.hard.length}):`,
          ...values.hard.map(
            (hard) =>
              `  ${hard.id}  ${values.file}:${hard.line}  ${hardName(hard)}\n      ${hard.form ? `checked in code: ${describeForm(hard.form)}` : "prose: a decision that acts under it waits for a person, shown what a model drafter judged of it (the offline drafter does not judge prose)"}`,
          ),
          `Soft constraints (${values.soft.length}):`,
          ...values.soft.map(
            (soft) =>
              `  ${soft.id}  ${values.file}:${soft.line}  ${soft.text}${soft.evaluate ? ` (${soft.evaluate})` : ""}`,
          ),
          `Tradeoffs (${values.tradeoffs.length}):`,
          ...values.tradeoffs.map((tradeoff) => `  ${values.file}:${tradeoff.line}  ${tradeoff.text}`),
          `Decision precedents (${values.precedents.length}):`,
          ...values.precedents.map(
            (precedent) => `  ${precedent.date}  ${precedent.domain}: ${precedent.situation} -> ${precedent.decision}`,
          ),
        ].join("\n"),
      );
    });
}
