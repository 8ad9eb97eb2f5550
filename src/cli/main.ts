import { Command, CommanderError } from "commander";
import { UsageError } from "../errors.js";
import { approveCommand } from "./commands/approve.js";
import { canvasCommand } from "./commands/canvas.js";
import { chatCommand } from "./commands/chat.js";
import { demoCommand } from "./commands/demo.js";
import { eventCommand } from "./commands/event.js";
import { initCommand } from "./commands/init.js";
import { migrateStoreCommand } from "./commands/migrateStore.js";
import { passCommand } from "./commands/pass.js";
import { pendingCommand } from "./commands/pending.js";
import { reindexCommand } from "./commands/reindex.js";
import { rejectCommand } from "./commands/reject.js";
import { respondCommand } from "./commands/respond.js";
import { resumeCommand } from "./commands/resume.js";
import { scheduleCommand } from "./commands/schedule.js";
import { serveCommand } from "./commands/serve.js";
import { statusCommand } from "./commands/status.js";
import { todayCommand } from "./commands/today.js";
import { goalCommand } from "./commands/goal.js";
import { valuesCommand } from "./commands/values.js";
import { tokenCommand } from "./commands/token.js";
import { usageCommand } from "./commands/usage.js";
import { correctCommand } from "./commands/correct.js";
import { trustCommand } from "./commands/trust.js";
import { memoryCommand } from "./commands/memory.js";
import { DRAFTS, globalsOf, THROUGH_SERVER } from "./session.js";

// The command line. Each command lives in commands/ and imports what it needs when it runs, so
// start-up loads commander and the command definitions only (bench/startup.ts measures it).

/**
 * How a usage error reads: one line as every leanos message does, with commander's suggestion on it
 * ("leanos: unknown command 'aprove' (did you mean approve?)"), then one line saying where the help
 * is (showHelpAfterError). A mistyped word is not answered with the whole help: it buries the one
 * line that says what was wrong.
 */
const USAGE_OUTPUT = {
  writeErr: (text: string) => process.stderr.write(text),
  outputError: (text: string, write: (text: string) => void) =>
    write(
      `leanos: ${text
        .replace(/^error: /, "")
        .replace(/\n\(Did you mean (.+)\?\)\n?$/, " (did you mean $1?)")
        .trimEnd()}\n`,
    ),
};

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("leanos")
    .description(
      "Runs the LeanOS causal flow: business events drafted through six stages against the canvas, with human approval gates.",
    )
    .option("-w, --workspace <dir>", "the workspace folder (default: LEANOS_WORKSPACE or the current folder)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .option("-q, --quiet", "no progress output on stderr")
    .option("--now <time>", "the time to act as if it were (ISO date or time); for due dates, SLAs and replays")
    .option(
      "--server <url>",
      "work through a LangGraph server that serves the leanos graph (default: LEANOS_SERVER_URL; without either, the embedded runtime)",
    )
    .option(
      "-p, --provider <provider>",
      "who drafts: offline, anthropic:MODEL or openai:MODEL (any OpenAI-compatible server at OPENAI_BASE_URL); default: anthropic when ANTHROPIC_API_KEY is set, else offline",
    )
    .option("-m, --model <model>", "the model name for the provider")
    .showHelpAfterError("leanos --help lists the commands and the global options")
    .exitOverride()
    .configureOutput(USAGE_OUTPUT)
    .addHelpText(
      "after",
      "\nGlobal options go before or after the command.\n\nExamples:\n  leanos --workspace ~/glamyouup event 'Acme deal closed: $40K ARR, 3-year term'\n  leanos pending --workspace ~/glamyouup\n  leanos approve sales/elsaai-deal-closed --workspace ~/glamyouup",
    );

  program.hook("preAction", (_program, action) => {
    const global = globalsOf(action);
    if (global.server !== undefined && !THROUGH_SERVER.has(action.name())) {
      throw new UsageError(
        `leanos ${action.name()} works on the workspace itself, not through a server: leave out --server (through a server: ${[...THROUGH_SERVER].join(", ")})`,
      );
    }
    if ((global.provider !== undefined || global.model !== undefined) && !DRAFTS.has(action.name())) {
      throw new UsageError(
        `leanos ${action.name()} drafts nothing: leave out --provider and --model (they apply to ${[...DRAFTS].join(", ")})`,
      );
    }
  });

  for (const command of [
    initCommand(),
    eventCommand(),
    pendingCommand(),
    approveCommand(),
    respondCommand(),
    rejectCommand(),
    correctCommand(),
    resumeCommand(),
    statusCommand(),
    canvasCommand(),
    todayCommand(),
    goalCommand(),
    valuesCommand(),
    usageCommand(),
    trustCommand(),
    memoryCommand(),
    chatCommand(),
    serveCommand(),
    tokenCommand(),
    passCommand(),
    reindexCommand(),
    migrateStoreCommand(),
    scheduleCommand(),
    demoCommand(),
  ]) {
    // Each subcommand reports its own usage errors the way the program does: the error, then where its help is.
    program.addCommand(
      command
        .showHelpAfterError(`leanos ${command.name()} --help shows its arguments, options and examples`)
        .exitOverride()
        .configureOutput(USAGE_OUTPUT),
    );
  }
  return program;
}

/**
 * Output read by something that stops early (`leanos status | head -1`) must not end the run with a
 * stack trace: what is left to print is dropped, and the command finishes the work it started.
 */
function dropOutputOnceItsReaderHasGone(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
  });
}

/** Runs the CLI; returns the exit code (0 done, 1 runtime failure, 2 bad input or usage). */
export async function main(argv: string[]): Promise<number> {
  dropOutputOnceItsReaderHasGone();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command that ends with a finding (reindex --check) sets its own code.
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    // One line with the path and what to do, and the exit code of the contract (see failure.ts).
    const { reportFailure } = await import("./failure.js");
    return reportFailure(error);
  }
}
