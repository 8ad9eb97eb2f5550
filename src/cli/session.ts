import { Option, type Command } from "commander";
import { AlreadyAnswered, UsageError } from "../errors.js";
import type { ShownPlace, ShownScope } from "../approvals/shown.js";
import type { GivenAnswer } from "../gates/wire.js";
import type { RemoteThreads } from "../remote/threads.js";
import type { Runtime, RuntimeOptions, ThreadResult } from "../runtime/engine.js";
import type { PendingItem } from "../core/threadMeta.js";

// What every command shares: the global options read in one place, output, and the runtime or server
// a command works through. Everything heavy is imported when a command runs, never at start-up, so
// `leanos --help` and the read-only commands load only what they use.

export interface GlobalOptions {
  workspace?: string;
  server?: string;
  json?: boolean;
  quiet?: boolean;
  now?: string;
  provider?: string;
  model?: string;
}

export const globalsOf = (command: Command): GlobalOptions => command.optsWithGlobals() as GlobalOptions;

export function clockFrom(now: string | undefined): (() => Date) | undefined {
  if (now === undefined) return undefined;
  const at = new Date(now);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(`--now ${now}: expected a date or time such as 2026-12-01 or 2026-12-01T08:00:00Z`);
  return () => at;
}

export const out = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};

export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

export const jsonWanted = (command: Command): boolean => Boolean(globalsOf(command).json);

export function who(): string {
  return process.env.LEANOS_USER ?? process.env.USER ?? "human";
}

/** The commands that work through a LangGraph server (--server, LEANOS_SERVER_URL); the others work on the workspace itself. */
export const THROUGH_SERVER = new Set([
  "event",
  "pending",
  "approve",
  "respond",
  "reject",
  "correct",
  "status",
  "chat",
]);

/** The commands that may run steps, and so read the workspace's data files in the middle of one. */
const RUNS_STEPS = new Set(["event", "approve", "respond", "reject", "correct", "resume", "pass", "schedule"]);

/**
 * The commands that change nothing unless there is something to do (resume of a thread that has
 * none): they work on a workspace that cannot be written, such as a read-only mount.
 */
const CHANGE_NOTHING = new Set(["status", "pending", "usage", "trust", "memory", "resume"]);
const changesNothing = (command: Command): boolean =>
  CHANGE_NOTHING.has(command.name()) ||
  (command.name() === "reindex" && command.opts<{ check?: boolean }>().check === true);

/** The commands that may draft with a model, and so take --provider and --model. */
export const DRAFTS = new Set([...RUNS_STEPS, "chat", "serve"]);

/** The model a command drafts with, when --provider or --model names one. */
export function modelsOf(command: Command): Pick<RuntimeOptions, "provider" | "model"> {
  const { provider, model } = globalsOf(command);
  return { ...(provider ? { provider } : {}), ...(model ? { model } : {}) };
}

/** The options of Runtime.open that the global options set: workspace, clock, model. */
export function runtimeOptionsOf(command: Command, extra: Partial<RuntimeOptions> = {}): RuntimeOptions {
  const global = globalsOf(command);
  const options: RuntimeOptions = { ...modelsOf(command), ...extra };
  if (global.workspace) options.workspace = global.workspace;
  const clock = clockFrom(global.now);
  if (clock) options.now = clock;
  return options;
}

/** Which question an answer is meant for: the `id` of a pending item (`leanos pending --json`). */
export const interruptOption = (): Option =>
  new Option(
    "--interrupt <id>",
    "answer only if this very question still waits (the id from leanos pending --json); else exit 2 and change nothing",
  );

/** For scripts: answer whatever waits, without checking that it is the question last shown. */
export const yesOption = (): Option =>
  new Option(
    "-y, --yes",
    "answer whatever waits now, even a question leanos pending or status has not shown you (for scripts; --interrupt ID is safer)",
  );

/** What approve, respond and reject say in --help about the question they answer. */
export const WHICH_QUESTION_HELP =
  "\nWhich question is answered: with --interrupt ID, that very question, if it still waits. Without it, the\nquestion waiting now, if leanos pending, status THREAD or chat last showed it to you (LEANOS_USER). Any\nother (you never looked, or the one you saw was answered elsewhere meanwhile) is shown, and you are asked\nto confirm it; with no terminal to ask on, the command exits 2, naming it, and changes nothing.\n--yes answers whatever waits, unchecked.\n";

/** The options an answer takes about which question it is for. */
export interface WhichQuestion {
  interrupt?: string;
  yes?: boolean;
}

/** A broken metrics or ICP file is refused before the command writes anything (see dataFiles.ts). */
export async function checkDataFilesOf(dir: string | undefined): Promise<void> {
  const [{ openWorkspace }, { checkDataFiles }] = await Promise.all([
    import("../workspace/workspace.js"),
    import("../actions/dataFiles.js"),
  ]);
  await checkDataFiles((await openWorkspace(dir)).root);
}

export async function openRuntime(command: Command, extra: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  const options = runtimeOptionsOf(command, extra);
  // The printer shows files from the workspace's folder, which is known once the runtime has opened it.
  const opened: { runtime?: Runtime } = {};
  if (!globalsOf(command).quiet) {
    const { progressPrinter } = await import("./progress.js");
    options.onProgress = progressPrinter(() => opened.runtime?.workspace);
  }
  if (RUNS_STEPS.has(command.name())) await checkDataFilesOf(globalsOf(command).workspace);
  if (changesNothing(command)) options.reading = true;
  const { Runtime } = await import("../runtime/engine.js");
  opened.runtime = await Runtime.open(options);
  return opened.runtime;
}

/** Opens the workspace, does the work, prints the result as JSON or text, and always closes. */
export async function withRuntime<T>(
  command: Command,
  work: (runtime: Runtime) => Promise<T>,
  text: (value: T) => string,
  json: (value: T) => unknown = (value) => value,
): Promise<void> {
  const runtime = await openRuntime(command);
  try {
    const value = await work(runtime);
    if (jsonWanted(command)) printJson(json(value));
    else out(text(value));
  } finally {
    await runtime.close();
  }
}

/** A command that moves a thread on, printed as the thread's state and what waits. */
export async function threadCommand(
  command: Command,
  work: (runtime: Runtime) => Promise<ThreadResult>,
): Promise<void> {
  const { formatResult, resultJson } = await import("./format.js");
  await withRuntime(command, work, formatResult, resultJson);
}

/** The LangGraph server the command goes through, if one is named. */
export const serverOf = (command: Command): string | undefined =>
  globalsOf(command).server ?? (process.env.LEANOS_SERVER_URL || undefined);

/** Does the work through the server's SDK client and prints it as JSON or text; `shown` then records the questions printed. */
export async function withServer<T>(
  command: Command,
  url: string,
  work: (remote: RemoteThreads) => Promise<T>,
  text: (value: T) => string,
  json: (value: T) => unknown = (value) => value,
  shown?: (value: T) => Promise<void>,
): Promise<void> {
  const { RemoteThreads } = await import("../remote/threads.js");
  const value = await work(new RemoteThreads(url, { user: who(), ...modelsOf(command) }));
  if (jsonWanted(command)) printJson(json(value));
  else out(text(value));
  await shown?.(value);
}

/** Whose record of shown questions a command keeps: the workspace's (`root`), or, through a server, the user's. */
export async function shownPlaceOf(command: Command, root: string | undefined): Promise<ShownPlace> {
  const server = serverOf(command);
  if (server) {
    // The served workspace may be on another machine: what this person saw there is kept in their own ~/.leanos/.
    const { homedir } = await import("node:os");
    return { root: homedir(), by: who(), server: server.replace(/\/+$/, "") };
  }
  if (root === undefined) throw new Error("the workspace's record of shown questions needs its folder");
  return { root, by: who() };
}

/**
 * Records which questions a command showed (pending, status THREAD, chat). A record that cannot be
 * written never fails the command: the next answer without --interrupt only asks which question is meant.
 */
export async function recordShownQuietly(
  command: Command,
  place: ShownPlace,
  items: readonly PendingItem[],
  scope: ShownScope,
): Promise<void> {
  try {
    const { recordShown } = await import("../approvals/shown.js");
    await recordShown(place, items, scope, clockFrom(globalsOf(command).now)?.() ?? new Date());
  } catch (error) {
    if (!globalsOf(command).quiet) {
      // A workspace that cannot be written (a read-only mount) is said in words, not as the temp file that could not be made.
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === "EROFS" || code === "EACCES" || code === "EPERM"
          ? "the workspace cannot be written"
          : (error as Error).message;
      process.stderr.write(
        `leanos: note: what was shown is not recorded (${why}); an answer without --interrupt will show the question again and ask\n`,
      );
    }
  }
}

/**
 * An answer to the gate a thread waits at, through the server when one is named. Without
 * --interrupt or --yes, the question answered is the one waiting now only once it is known to have
 * been shown to this person (confirm.ts), and it is then named, so nothing that came up meanwhile is
 * answered in its place.
 */
export async function answerCommand(
  command: Command,
  thread: string,
  answer: GivenAnswer,
  which: WhichQuestion,
): Promise<void> {
  const url = serverOf(command);
  let expected = which.interrupt;
  let seen: PendingItem | undefined;
  if (expected === undefined && !which.yes) {
    const { confirmedQuestion } = await import("./confirm.js");
    seen = await confirmedQuestion(command, thread, answer);
    expected = seen.id;
  }
  try {
    if (url) {
      const { formatResult, resultJson } = await import("./format.js");
      return await withServer(
        command,
        url,
        (remote) => remote.answer(thread, answer, expected),
        formatResult,
        resultJson,
      );
    }
    if (answer.type === "response" && typeof answer.args === "string") {
      // Feedback is answered with what the redraft changed, so a drafter that only noted it is seen to.
      const [{ respondAndCompare }, { formatAnswered, resultJson }] = await Promise.all([
        import("../runtime/redraft.js"),
        import("./format.js"),
      ]);
      const feedback = answer.args;
      return await withRuntime(
        command,
        (runtime) => respondAndCompare(runtime, thread, answer, feedback, expected),
        formatAnswered,
        (result) => ({
          ...resultJson(result),
          ...(result.redraft ? { redraft: result.redraft } : {}),
        }),
      );
    }
    return await threadCommand(command, (runtime) => runtime.answer(thread, answer, expected));
  } catch (error) {
    // A refused answer leaves the question waiting, maybe put again under a new id: it stays seen.
    if (seen && error instanceof UsageError && !(error instanceof AlreadyAnswered)) {
      const { keepShownAfterRefusal } = await import("./confirm.js");
      await keepShownAfterRefusal(command, seen);
    }
    throw error;
  }
}
