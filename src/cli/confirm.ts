import type { Command } from "commander";
import type { ShownPlace, ShownQuestion } from "../approvals/shown.js";
import { UsageError } from "../errors.js";
import type { GivenAnswer } from "../gates/wire.js";
import type { PendingItem } from "../core/threadMeta.js";
import { formatPending } from "./format.js";
import { readThreads } from "./reader.js";
import { globalsOf, recordShownQuietly, serverOf, shownPlaceOf, who } from "./session.js";

// `leanos approve THREAD` (respond, reject) without --interrupt: which question does it answer? The
// one waiting now, only if leanos pending, status THREAD or chat last showed it to this person. Any
// other question (the one they saw was answered elsewhere meanwhile, and the next came up; or they
// never looked) is shown and confirmed on a terminal, or refused with exit 2 where nobody can be
// asked. Either way the answer then names the question, so one that comes up between this check and
// the answer is not taken in its place.

/** A thread and what waits on it now. */
export interface WaitingNow {
  thread: string;
  state: string;
  pending: PendingItem[];
  /** What the thread does next, when nothing waits (for the refusal). */
  next: string;
}

/** Where a person can be asked: a terminal on stdin and stderr (stdout may be --json). */
export interface Terminal {
  interactive: boolean;
  show(text: string): void;
  /** The line typed, or undefined at end of input or Ctrl-C. */
  ask(prompt: string): Promise<string | undefined>;
}

export interface QuestionCheck {
  waiting: WaitingNow;
  /** What was last shown to this person on the thread. */
  shown: ShownQuestion | undefined;
  /** Who is answering, for the messages. */
  by: string;
  /** What the answer does, for the prompt. */
  answer: GivenAnswer["type"];
  /** The command as given, with --interrupt ID added: what answers that very question. */
  pinned: (id: string) => string;
  /** The command that lists what waits on the thread, with the workspace or server given. */
  look: string;
  terminal: Terminal;
  /** Records a question the person confirmed as shown to them. */
  confirmed: (item: PendingItem) => Promise<void>;
}

const PROMPTS: Record<GivenAnswer["type"], string> = {
  accept: "Accept it?",
  edit: "Accept it with your edits?",
  response: "Send your feedback on it (the stage is redrafted)?",
  ignore: "Reject it?",
};

/** Why the question waiting now needs a look, in one sentence. */
function whyAsked(check: QuestionCheck, item: PendingItem): string {
  const { shown, waiting, by } = check;
  if (!shown)
    return `the question waiting on ${waiting.thread} has not been shown to you (${by}) by leanos pending, status or chat`;
  if (item.id === undefined)
    return `the question waiting on ${waiting.thread} carries no id, so it cannot be matched to what leanos showed you`;
  return `the question waiting on ${waiting.thread} is not the one leanos showed you (${by}) at ${shown.at}: that one no longer waits (answered since, here or elsewhere), and this one came up after it`;
}

/**
 * The id of the question to answer (undefined only for a question without one, confirmed on a
 * terminal). Throws a UsageError, nothing changed, when nothing waits, when the person says no, or
 * when a question they have not seen waits and there is no terminal to ask on.
 */
export async function questionToAnswer(check: QuestionCheck): Promise<string | undefined> {
  const { waiting, terminal } = check;
  const item = waiting.pending[0];
  if (!item)
    throw new UsageError(`nothing waits on thread ${waiting.thread} (state: ${waiting.state}); ${waiting.next}`);
  if (item.id !== undefined && check.shown?.ids.includes(item.id)) return item.id;
  const question = formatPending([item], "none")
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
  if (terminal.interactive) {
    terminal.show(`${whyAsked(check, item)}:\n\n${question}\n`);
    const reply = (await terminal.ask(`${PROMPTS[check.answer]} [y/N] `))?.trim().toLowerCase();
    if (reply !== "y" && reply !== "yes")
      throw new UsageError(`not answered: ${waiting.thread} keeps waiting; nothing was changed`);
    await check.confirmed(item);
    return item.id;
  }
  const ways = [
    ...(item.id !== undefined
      ? [`to answer this very question (only while it still waits): ${check.pinned(item.id)}`]
      : []),
    `to answer whatever waits then, unchecked (scripts): add --yes`,
    `to look first: ${check.look}`,
  ];
  throw new UsageError(
    `${whyAsked(check, item)}; nothing was changed:\n${question}\n${item.id !== undefined ? `  id: ${item.id}\n` : ""}${ways.map((way) => `- ${way}`).join("\n")}`,
  );
}

/** An argument as a POSIX shell reads it back. */
export function shellQuoted(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** The command line as given, with `--interrupt ID` added (before a `--` that ends the options). */
export function withInterrupt(args: readonly string[], id: string): string {
  const end = args.indexOf("--");
  const pinned =
    end < 0 ? [...args, "--interrupt", id] : [...args.slice(0, end), "--interrupt", id, ...args.slice(end)];
  return ["leanos", ...pinned.map(shellQuoted)].join(" ");
}

/** `leanos pending THREAD` on the same workspace or server as the command given. */
function lookCommand(command: Command, thread: string): string {
  const { workspace, server } = globalsOf(command);
  return [
    "leanos",
    ...(workspace ? ["--workspace", workspace] : []),
    ...(server ? ["--server", server] : []),
    "pending",
    thread,
  ]
    .map(shellQuoted)
    .join(" ");
}

/** The arguments the program was given (after node and the script). */
function givenArgs(command: Command): string[] {
  let root = command;
  while (root.parent) root = root.parent;
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs;
  return (raw && raw.length >= 2 ? raw : process.argv).slice(2);
}

/** This process's terminal, when stdin and stderr are one. */
export function processTerminal(): Terminal {
  return {
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    show: (text) => process.stderr.write(`${text}\n`),
    ask: async (prompt) => {
      const { createInterface } = await import("node:readline");
      const reader = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      return new Promise((resolve) => {
        let answered = false;
        // Ctrl-C at the prompt is a no, not a process left paused.
        reader.on("SIGINT", () => reader.close());
        reader.on("close", () => {
          if (!answered) {
            process.stderr.write("\n");
            resolve(undefined);
          }
        });
        reader.question(prompt, (line) => {
          answered = true;
          reader.close();
          resolve(line);
        });
      });
    },
  };
}

/** What waits now on the thread a person named, through the server or the workspace's index. */
async function waitingNow(command: Command, name: string): Promise<{ waiting: WaitingNow; place: ShownPlace }> {
  const url = serverOf(command);
  if (url) {
    const { RemoteThreads } = await import("../remote/threads.js");
    const row = await new RemoteThreads(url, { user: who() }).status(name);
    return {
      waiting: {
        thread: row.thread,
        state: row.state,
        pending: row.pending,
        next: `leanos --server ${url} pending lists what waits`,
      },
      place: await shownPlaceOf(command, undefined),
    };
  }
  const { value: meta, root } = await readThreads(command, (reads) => reads.thread(name));
  return {
    waiting: { thread: meta.thread, state: meta.state, pending: meta.pending, next: `next: ${meta.next}` },
    place: await shownPlaceOf(command, root),
  };
}

/**
 * The question an answer without --interrupt or --yes is for (see questionToAnswer): the pending item,
 * whose id the answer then names; undefined when nothing waits is not returned but refused.
 */
export async function confirmedQuestion(command: Command, name: string, answer: GivenAnswer): Promise<PendingItem> {
  const { waiting, place } = await waitingNow(command, name);
  const id = await questionToAnswer({
    waiting,
    // Loaded here: its record's schema is zod's, which the commands that only read never load.
    shown: await (await import("../approvals/shown.js")).lastShown(place, waiting.thread),
    by: place.by,
    answer: answer.type,
    pinned: (pinned) => withInterrupt(givenArgs(command), pinned),
    look: lookCommand(command, waiting.thread),
    terminal: processTerminal(),
    confirmed: (item) => recordShownQuietly(command, place, [item], { threads: [waiting.thread] }),
  });
  return waiting.pending.find((item) => item.id === id) ?? waiting.pending[0]!;
}

/** The same question put again: same gate, action or opportunity, and words. */
const askedAgain = (again: PendingItem, before: PendingItem): boolean =>
  again.node === before.node &&
  again.action_id === before.action_id &&
  again.opportunity_id === before.opportunity_id &&
  again.question === before.question;

/**
 * A gate that refuses an answer as it takes it (through a server, or a canvas changed meanwhile)
 * puts the very same question again, marked with why, under a new id. The person saw that question
 * and is about to correct their answer, so the new id counts as shown as the old one did. Anything
 * else that waits by then (another answer came first) stays unseen. Never throws: the refusal is
 * what the person must read.
 */
export async function keepShownAfterRefusal(command: Command, answered: PendingItem): Promise<void> {
  try {
    const { waiting, place } = await waitingNow(command, answered.thread);
    const again = waiting.pending[0];
    if (again?.id === undefined || again.id === answered.id || !again.refused || !askedAgain(again, answered)) return;
    await recordShownQuietly(command, place, [again], { threads: [waiting.thread] });
  } catch {
    // Nothing recorded: the next answer shows the question and asks.
  }
}
