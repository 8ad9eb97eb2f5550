import pc from "picocolors";
import type { ThreadResult } from "../runtime/threadService.js";
import type { PendingItem } from "../core/threadMeta.js";
import { parseCommand, type Intent } from "../core/intent.js";
import { gateLabel } from "../core/gateLabel.js";
import { HELP, presentItem } from "./present.js";
import { next, safely, withRuntime, type ChatIO, type ChatOptions } from "./chatIO.js";
import { answer } from "./chatAnswer.js";
import { correctThread, startEvent } from "./chatThreads.js";
import { readFreeText } from "./freeText.js";

export type { ChatBackend, ChatIO, ChatOptions } from "./chatIO.js";

// `leanos chat`: one session that walks through everything that waits, takes answers line by line
// (from a person at a terminal or a script on stdin), and takes new events in plain words.

/** A session as it goes: what it talks through, the items skipped until the next look, how many were answered. */
interface Session {
  io: ChatIO;
  options: ChatOptions;
  skipped: Set<string>;
  answered: number;
}

/** What a line given at an item leads to: ask again, go on to the next item, or end the session. */
type Turn = "again" | "next" | "end";

const keyOf = (item: PendingItem): string =>
  item.id ?? `${item.thread}/${item.node}/${item.action_id ?? item.opportunity_id ?? ""}`;

const waiting = (session: Session): Promise<PendingItem[]> =>
  withRuntime(session.options, session.io, (runtime) => runtime.pending());

function listing(items: PendingItem[]): string {
  return items.length === 0
    ? "Nothing waits for you."
    : [
        `${items.length} item(s) wait, highest impact first:`,
        ...items.map(
          (item, index) =>
            `  ${index + 1}. [${item.impact ?? "-"}] ${gateLabel(item).padEnd(11)} ${item.thread}${item.action_id ? ` ${item.action_id}` : ""}`,
        ),
      ].join("\n");
}

/** The --json record of what became of an item. */
function report(
  session: Session,
  item: PendingItem,
  given: string,
  result: ThreadResult | undefined,
  extra: Record<string, unknown> = {},
): void {
  session.io.record?.({
    thread: item.thread,
    kind: item.kind,
    node: item.node,
    ...(item.action_id ? { action_id: item.action_id } : {}),
    answer: given,
    by: session.options.by,
    at: new Date().toISOString(),
    ...(result
      ? { state: result.state, pending: result.pending, started: result.started.map((started) => started.thread) }
      : {}),
    ...extra,
  });
}

/** Runs the session until quit or end of input. Returns how many items were answered. */
export async function runChat(io: ChatIO, options: ChatOptions): Promise<number> {
  const session: Session = { io, options, skipped: new Set(), answered: 0 };
  io.say(listing(await waiting(session)));
  for (;;) {
    const items = (await waiting(session)).filter((item) => !session.skipped.has(keyOf(item)));
    const item = items[0];
    if (!item) {
      if (!(await idle(session))) return session.answered;
      session.skipped.clear();
      io.say(listing(await waiting(session)));
      continue;
    }
    if ((await askAbout(session, item, items.length)) === "end") return session.answered;
  }
}

/** Reads a line when nothing is being asked; returns false at quit or EOF. */
async function idle(session: Session): Promise<boolean> {
  const { io, options } = session;
  for (;;) {
    const ask = await next(io, "leanos> ");
    if (ask.kind === "eof") return false;
    if (ask.text.trim() === "") continue;
    const intent = parseCommand(ask.text, undefined);
    if (intent?.kind === "quit") return false;
    if (intent?.kind === "help") io.say(HELP);
    else if (intent?.kind === "list") return true;
    else if (intent?.kind === "event") await safely(io, () => startEvent(options, io, intent.text));
    else if (intent?.kind === "correct") await safely(io, () => correctThread(options, io, intent.thread, intent.edit));
    else {
      const reading = await readFreeText(options, io, ask.text, undefined);
      if (reading.kind === "event") await safely(io, () => startEvent(options, io, reading.text));
      else io.say('Nothing waits now. Type "event: TEXT" to hand over an event, "list" to look again, or "quit".');
    }
    const items = await waiting(session);
    if (items.some((item) => !session.skipped.has(keyOf(item)))) return true;
  }
}

/** Shows an item in full and asks until it is answered, skipped, or the session ends. */
async function askAbout(session: Session, item: PendingItem, count: number): Promise<"next" | "end"> {
  const { io, options } = session;
  const { outputs, root } = await withRuntime(options, io, async (runtime) => ({
    outputs: await runtime.stageOutputs(item.thread),
    root: runtime.root,
  }));
  io.say(await presentItem(root, item, outputs, `${count} waiting`));
  await options.shown?.(item);
  for (;;) {
    const turn = await takeTurn(session, item, root);
    if (turn !== "again") return turn;
  }
}

/** Reads one line at an item and does what it asks. */
async function takeTurn(session: Session, item: PendingItem, root: string | undefined): Promise<Turn> {
  const { io, options } = session;
  const ask = await next(io, "> ");
  if (ask.kind === "eof") {
    io.say(
      `Input ended; ${item.thread} (${gateLabel(item)}${item.action_id ? ` ${item.action_id}` : ""}) still waits.`,
    );
    return "end";
  }
  if (ask.text.trim() === "") return "again";
  const intent = parseCommand(ask.text, item) ?? (await readFreeText(options, io, ask.text, item));
  const handled = await sessionIntent(session, item, intent);
  if (handled) return handled;
  const complete = await completed(io, item, intent);
  if (complete === "again" || complete === "end") return complete;
  const done = await safely(io, () => answer(options, io, item, complete, root));
  if (done === "answered-elsewhere") {
    io.say(pc.yellow("That was answered elsewhere in the meantime; nothing was changed here."));
    report(session, item, "answered-elsewhere", undefined);
    return "next";
  }
  if (done && typeof done === "object") {
    session.answered += 1;
    report(session, item, complete.kind, done.result, done.extra);
    return "next";
  }
  return "again";
}

/** What a line asks of the session rather than of the item (help, list, skip, an event...); undefined for an answer. */
async function sessionIntent(session: Session, item: PendingItem, intent: Intent): Promise<Turn | undefined> {
  const { io, options } = session;
  switch (intent.kind) {
    case "unclear":
      io.say(
        `I am not sure what you mean (${intent.reason}). ${pc.dim("Type help for the answers, or say it in other words.")}`,
      );
      return "again";
    case "help":
      io.say(HELP);
      return "again";
    case "quit":
      return "end";
    case "list":
      io.say(listing(await waiting(session)));
      return "again";
    case "skip":
      session.skipped.add(keyOf(item));
      io.say(`Skipped; ${item.thread} keeps waiting.`);
      report(session, item, "skip", undefined);
      return "next";
    case "event":
      await safely(io, () => startEvent(options, io, intent.text));
      io.say(pc.dim(`Back to ${item.thread}:`));
      return "again";
    case "correct":
      await safely(io, () => correctThread(options, io, intent.thread, intent.edit));
      // The correction may have answered this very item (a correction of the thread waiting here redrafts it).
      return "next";
    default:
      return undefined;
  }
}

/** An answer with what it lacks asked for: a respond's feedback, a reject's reason. */
async function completed(io: ChatIO, item: PendingItem, intent: Intent): Promise<Intent | "again" | "end"> {
  if (intent.kind === "respond" && intent.text === "") {
    const feedback = await next(io, "What should change? ");
    if (feedback.kind === "eof" || feedback.text.trim() === "") {
      io.say(`No feedback given; ${item.thread} still waits.`);
      return feedback.kind === "eof" ? "end" : "again";
    }
    return { kind: "respond", text: feedback.text.trim() };
  }
  if (intent.kind === "reject" && !intent.reason) {
    const why = await next(io, "Why? (the thread records it) ");
    if (why.kind === "eof") {
      io.say(`Input ended; ${item.thread} still waits.`);
      return "end";
    }
    return { kind: "reject", reason: why.text.trim() || "no reason given" };
  }
  return intent;
}
