import type { Command } from "commander";
import type { ShownPlace, ShownScope } from "../approvals/shown.js";
import type { RemoteThreads } from "../remote/threads.js";
import type { Runtime } from "../runtime/engine.js";
import type { ThreadResult, ThreadService } from "../runtime/threadService.js";
import type { PendingItem } from "../core/threadMeta.js";
import { clockOf, using, type ServiceOptions } from "../service/open.js";
import type { WorkspaceRecords } from "../service/records.js";
import type { PassWorld } from "../ops/passWorld.js";

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

/** The clock --now sets, if it does. */
export const clockFrom = (now: string | undefined): (() => Date) | undefined =>
  clockOf(now === undefined ? undefined : { value: now, from: "--now" });

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
export function modelsOf(command: Command): Pick<ServiceOptions, "provider" | "model"> {
  const { provider, model } = globalsOf(command);
  return { ...(provider ? { provider } : {}), ...(model ? { model } : {}) };
}

/** What the global options say of the threads a command works on: the workspace or server, the clock, the model, the user. */
export function serviceOptionsOf(command: Command, extra: Partial<ServiceOptions> = {}): ServiceOptions {
  const global = globalsOf(command);
  const server = serverOf(command);
  return {
    user: who(),
    ...modelsOf(command),
    ...(global.workspace ? { workspace: global.workspace } : {}),
    ...(global.now !== undefined ? { now: { value: global.now, from: "--now" } } : {}),
    ...(server && THROUGH_SERVER.has(command.name()) ? { server } : {}),
    ...extra,
  };
}

/** A broken metrics or ICP file is refused before the command writes anything (see dataFiles.ts). */
export async function checkDataFilesOf(dir: string | undefined): Promise<void> {
  const [{ openWorkspace }, { checkDataFiles }] = await Promise.all([
    import("../workspace/workspace.js"),
    import("../actions/dataFiles.js"),
  ]);
  await checkDataFiles((await openWorkspace(dir)).root);
}

/**
 * Opens what a command works on with its options: progress printed (the printer shows files from
 * the workspace's folder, known once it is opened), data files checked, read-only where it changes nothing.
 */
async function opened<T extends { root: string | undefined }>(
  command: Command,
  extra: Partial<ServiceOptions>,
  open: (options: ServiceOptions) => Promise<T>,
): Promise<T> {
  const options = serviceOptionsOf(command, extra);
  const holder: { root?: string | undefined } = {};
  if (!globalsOf(command).quiet && !options.server) {
    const [{ progressPrinter }, { join }] = await Promise.all([import("./progress.js"), import("node:path")]);
    options.onProgress = progressPrinter(() =>
      holder.root ? { root: holder.root, threadsDir: join(holder.root, "threads") } : undefined,
    );
  }
  if (RUNS_STEPS.has(command.name()) && !options.server) await checkDataFilesOf(globalsOf(command).workspace);
  if (changesNothing(command)) options.reading = true;
  const made = await open(options);
  holder.root = made.root;
  return made;
}

/** The workspace's embedded runtime, for the commands that work on the workspace itself. */
export async function openRuntime(command: Command, extra: Partial<ServiceOptions> = {}): Promise<Runtime> {
  const { openRuntime: open } = await import("../service/open.js");
  const { server: _server, ...options } = extra;
  return opened(command, { ...options }, ({ server: _ignored, ...local }) => open(local));
}

/** Prints a command's result, as JSON with --json, else as text. */
function print<T>(command: Command, value: T, text: (value: T) => string, json: (value: T) => unknown): void {
  if (jsonWanted(command)) printJson(json(value));
  else out(text(value));
}

/** What a command does with what it opened, and how the result is printed: as text, or as JSON with --json. */
type Job<Opened, T> = [work: (opened: Opened) => Promise<T>, text: (value: T) => string, json?: (value: T) => unknown];

/** Opens, does the work, prints the result, and always closes. */
async function withOpened<Opened extends { close(): Promise<void> }, T>(
  command: Command,
  open: () => Promise<Opened>,
  [work, text, json = (value: T): unknown => value]: Job<Opened, T>,
): Promise<void> {
  print(command, await using(open(), work), text, json);
}

/** The workspace's threads (through the server when one is named). */
export const withThreads = <T>(command: Command, ...job: Job<ThreadService, T>): Promise<void> =>
  withOpened(command, async () => opened(command, {}, (await import("../service/open.js")).openThreadService), job);

/** The workspace's embedded runtime. */
export const withRuntime = <T>(command: Command, ...job: Job<Runtime, T>): Promise<void> =>
  withOpened(command, () => openRuntime(command), job);

/** The workspace's store and audit log only (service/records.ts). */
export const withRecords = <T>(command: Command, ...job: Job<WorkspaceRecords, T>): Promise<void> =>
  withOpened(command, async () => opened(command, {}, (await import("../service/records.js")).openRecords), job);

/** A pass's world (service/passWorld.ts): the index, the spec and the records, with the runtime opened only when the pass needs it. */
export const withPassWorld = <T>(command: Command, ...job: Job<PassWorld, T>): Promise<void> =>
  withOpened(
    command,
    async () => {
      const { openPassWorld } = await import("../service/passWorld.js");
      return opened(command, {}, (options: ServiceOptions) => openPassWorld(options, () => openRuntime(command)));
    },
    job,
  );

/** A command that moves a thread on, printed as the thread's state and what waits. */
export async function threadCommand(
  command: Command,
  work: (threads: ThreadService) => Promise<ThreadResult>,
): Promise<void> {
  const { formatAnswered, resultJson } = await import("./format.js");
  await withThreads(command, work, formatAnswered, resultJson);
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
  print(command, value, text, json);
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
