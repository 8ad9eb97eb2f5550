import { Command } from "commander";
import { clockFrom, globalsOf, jsonWanted, out, printJson } from "../session.js";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Today as --now sets it, else the clock's (YYYY-MM-DD). */
const todayOf = (command: Command): string =>
  (clockFrom(globalsOf(command).now)?.() ?? new Date()).toISOString().slice(0, 10);

async function workspaceOf(command: Command) {
  const { openWorkspace } = await import("../../workspace/workspace.js");
  return openWorkspace(globalsOf(command).workspace);
}

function addCommand(): Command {
  return new Command("add")
    .description("set a goal: an objective, a deadline and success criteria with numbers (strategy/goals/active/)")
    .argument(
      "<objective...>",
      'what the company sets out to reach; "MRR >= EUR 5,000 by 2027-03-31" says its criterion and deadline itself',
    )
    .option("--deadline <date>", "the day it is due (YYYY-MM-DD)")
    .option(
      "--criterion <text>",
      'a success criterion: a metric, >= > <= < and a figure, such as "MRR >= EUR 5,000" (repeat for more)',
      collect,
    )
    .option("--title <text>", "its title (default: the objective)")
    .option(
      "--id <id>",
      "its id and file name, g- and a short kebab-case name (default: from the title or the first criterion)",
    )
    .option(
      "--autonomy <mode>",
      "how much the AI may do alone for its threads: auto, ask or hybrid (asks at impact 0.5 or more)",
      "hybrid",
    )
    .option("--type <type>", "business, brand, product, learning or custom", "business")
    .option("--subgoal <text>", "a subgoal on the way (repeat, in order)", collect)
    .option("--baseline <text>", 'a value measured today, where progress starts: "MRR = EUR 1,000" (repeat)', collect)
    .option("--canvas <section>", "a canvas section the goal comes from, such as 13-metrics.md (repeat)", collect)
    .addHelpText(
      "after",
      '\nThe file follows LeanOS\'s goal layout (the goals skill\'s template, skills/goals/assets/goal.md), with\nmilestones at a quarter, half and three quarters of the way to the first criterion.\n\nExamples:\n  leanos goal add "MRR >= EUR 5,000 by 2030-03-31"\n  leanos goal add "Win the luxury segment" --deadline 2030-06-30 --criterion "Enterprise customers >= 10" --autonomy ask',
    )
    .action(async (words: string[], options: Record<string, string | string[] | undefined>, command: Command) => {
      const [workspace, { addGoal }, { workspaceCurrency }, { readCanvas }] = await Promise.all([
        workspaceOf(command),
        import("../../goals/newGoal.js"),
        import("../../text/money.js"),
        import("../../canvas/canvas.js"),
      ]);
      const home =
        workspace.config.currency ?? workspaceCurrency(await readCanvas(workspace.canvasDir, workspace.root));
      const list = (key: string): string[] => (options[key] as string[] | undefined) ?? [];
      const added = await addGoal(workspace.root, home, {
        objective: words.join(" "),
        criteria: list("criterion"),
        subgoals: list("subgoal"),
        baselines: list("baseline"),
        canvasRefs: list("canvas"),
        today: todayOf(command),
        ...(["deadline", "title", "id", "autonomy", "type"] as const).reduce(
          (given, key) => (options[key] === undefined ? given : { ...given, [key]: options[key] as string }),
          {},
        ),
      });
      if (jsonWanted(command)) printJson(added);
      else out(`goal ${added.id} set: ${added.file}`);
    });
}

export function goalCommand(): Command {
  return new Command("goal")
    .description("the goals: where each stands (on track, at risk, off track) and the threads serving it")
    .option("--all", "also the completed and abandoned goals")
    .addHelpText(
      "after",
      '\nA goal\'s progress is read from the measurement rows of ops/metrics/*.yaml ("- { date: 2026-12-01,\nmetric: MRR, value: 4200, currency: EUR }") and from the values its log records.\n\nExamples:\n  leanos goal\n  leanos goal add "MRR >= EUR 5,000 by 2030-03-31"\n  leanos goal --json',
    )
    .addCommand(addCommand())
    .action(async (options: { all?: boolean }, command: Command) => {
      const [workspace, { goalOverview }, { linkedThreads }, { formatGoals, goalsJson }] = await Promise.all([
        workspaceOf(command),
        import("../../goals/overview.js"),
        import("../../goals/linkedThreads.js"),
        import("../goalFormat.js"),
      ]);
      const goals = await goalOverview(
        workspace,
        todayOf(command),
        await linkedThreads(workspace.threadsDir),
        options.all ? undefined : ["active"],
      );
      if (jsonWanted(command)) printJson(goalsJson(goals));
      else out(formatGoals(goals));
    });
}
