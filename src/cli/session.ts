import { Option, type Command } from "commander";
import { UsageError } from "../errors.js";
import type { GivenAnswer } from "../gates/wire.js";
import type { RemoteThreads } from "../remote/threads.js";
import type { Runtime, RuntimeOptions, ThreadResult } from "../runtime/engine.js";

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
  if (Number.isNaN(at.getTime())) throw new UsageError(`--now ${now}: expected a date or time such as 2026-12-01 or 2026-12-01T08:00:00Z`);
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
export const THROUGH_SERVER = new Set(["event", "pending", "approve", "respond", "reject", "status", "chat"]);

/** The commands that may run steps, and so read the workspace's data files in the middle of one. */
const RUNS_STEPS = new Set(["event", "approve", "respond", "reject", "resume", "pass", "schedule"]);

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
  new Option("--interrupt <id>", "answer only if this very question still waits (the id from leanos pending --json); else exit 2 and change nothing");

/** A broken metrics or ICP file is refused before the command writes anything (see dataFiles.ts). */
export async function checkDataFilesOf(dir: string | undefined): Promise<void> {
  const [{ openWorkspace }, { checkDataFiles }] = await Promise.all([import("../workspace/workspace.js"), import("../actions/dataFiles.js")]);
  await checkDataFiles((await openWorkspace(dir)).root);
}

async function openRuntime(command: Command, extra: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  const options = runtimeOptionsOf(command, extra);
  if (!globalsOf(command).quiet) {
    const { progressPrinter } = await import("./progress.js");
    options.onProgress = progressPrinter();
  }
  if (RUNS_STEPS.has(command.name())) await checkDataFilesOf(globalsOf(command).workspace);
  const { Runtime } = await import("../runtime/engine.js");
  return Runtime.open(options);
}

/** Opens the workspace, does the work, prints the result as JSON or text, and always closes. */
export async function withRuntime<T>(command: Command, work: (runtime: Runtime) => Promise<T>, text: (value: T) => string, json: (value: T) => unknown = (value) => value): Promise<void> {
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
export async function threadCommand(command: Command, work: (runtime: Runtime) => Promise<ThreadResult>): Promise<void> {
  const { formatResult, resultJson } = await import("./format.js");
  await withRuntime(command, work, formatResult, resultJson);
}

/** The LangGraph server the command goes through, if one is named. */
export const serverOf = (command: Command): string | undefined => globalsOf(command).server ?? (process.env.LEANOS_SERVER_URL || undefined);

/** Does the work through the server's SDK client and prints it as JSON or text. */
export async function withServer<T>(command: Command, url: string, work: (remote: RemoteThreads) => Promise<T>, text: (value: T) => string, json: (value: T) => unknown = (value) => value): Promise<void> {
  const { RemoteThreads } = await import("../remote/threads.js");
  const value = await work(new RemoteThreads(url, { user: who(), ...modelsOf(command) }));
  if (jsonWanted(command)) printJson(json(value));
  else out(text(value));
}

/** An answer to the gate a thread waits at, through the server when one is named. */
export async function answerCommand(command: Command, thread: string, answer: GivenAnswer, expected: string | undefined): Promise<void> {
  const url = serverOf(command);
  if (url) {
    const { formatResult, resultJson } = await import("./format.js");
    return withServer(command, url, (remote) => remote.answer(thread, answer, expected), formatResult, resultJson);
  }
  return threadCommand(command, (runtime) => runtime.answer(thread, answer, expected));
}
