import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { AlreadyAnswered, UsageError } from "../errors.js";
import type { GivenAnswer } from "../gates/wire.js";
import type { PendingItem } from "../core/threadMeta.js";
import { clockFrom, globalsOf, serverOf, threadCommand } from "./session.js";

// What approve, respond and reject share: which question an answer is for, and giving it.

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

/** Marks the answer as a precedent: written into strategy/values.md's Decision Precedents. */
export const precedentOption = (): Option =>
  new Option(
    "--precedent <principle>",
    "make this answer a precedent: the principle, in your words, goes into strategy/values.md's Decision Precedents",
  );

/** The options every answer takes: which question it is for (--interrupt, --yes), and --precedent. */
export const withAnswerOptions = (command: Command): Command =>
  command.addOption(interruptOption()).addOption(yesOption()).addOption(precedentOption());

/** What approve, respond and reject say in --help about the question they answer. */
export const WHICH_QUESTION_HELP =
  "\nWhich question is answered: with --interrupt ID, that very question, if it still waits. Without it, the\nquestion waiting now, if leanos pending, status THREAD or chat last showed it to you (LEANOS_USER). Any\nother (you never looked, or the one you saw was answered elsewhere meanwhile) is shown, and you are asked\nto confirm it; with no terminal to ask on, the command exits 2, naming it, and changes nothing.\n--yes answers whatever waits, unchecked.\n";

/** The options an answer takes about which question it is for. */
export interface WhichQuestion {
  interrupt?: string;
  yes?: boolean;
  /** The principle of a precedent this answer sets (--precedent). */
  precedent?: string;
}

/** What the answer decided, in a precedent's words. */
function decidedBy(answer: GivenAnswer): string {
  const args = typeof answer.args === "string" ? answer.args : undefined;
  if (answer.type === "accept") return "accepted";
  if (answer.type === "edit") return "accepted with changes";
  if (answer.type === "response") return `answered: ${args ?? "see the thread"}`;
  return `rejected${args ? `: ${args}` : ""}`;
}

/** The question as a precedent's situation: the thread, and what it asked without the reasons it gave. */
const situationOf = (item: PendingItem): string =>
  `${item.thread}: ${item.question.split("? (")[0]!.replace(/\?$/, "")}`;

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
  let expected = which.interrupt;
  let seen: PendingItem | undefined;
  if (which.precedent !== undefined) {
    const { checkPrinciple } = await import("../values/precedentWrite.js");
    checkPrinciple(which.precedent);
    if (serverOf(command))
      throw new UsageError(
        "--precedent writes into this workspace's strategy/values.md: leave out --server, or write the precedent there",
      );
  }
  if (expected === undefined && !which.yes) {
    const { confirmedQuestion } = await import("./confirm.js");
    seen = await confirmedQuestion(command, thread, answer);
    expected = seen.id;
  }
  try {
    let answered: PendingItem | undefined;
    await threadCommand(command, async (threads) => {
      const waiting = await threads.pending(thread);
      answered = waiting.find((item) => item.id === expected) ?? waiting[0];
      return threads.answer(thread, answer, expected);
    });
    if (which.precedent !== undefined && answered) {
      const { recordPrecedent } = await import("../values/precedentWrite.js");
      const type = answered.thread.split("/")[0]!;
      const line = await recordPrecedent(
        resolve(globalsOf(command).workspace ?? (process.env.LEANOS_WORKSPACE || process.cwd())),
        {
          domain: `${type[0]!.toUpperCase()}${type.slice(1)}`,
          situation: situationOf(answered),
          decision: decidedBy(answer),
          principle: which.precedent,
          date: (clockFrom(globalsOf(command).now)?.() ?? new Date()).toISOString().slice(0, 10),
        },
      );
      if (!globalsOf(command).quiet) process.stderr.write(`precedent written to strategy/values.md: ${line}\n`);
    }
  } catch (error) {
    // A refused answer leaves the question waiting, maybe put again under a new id: it stays seen.
    if (seen && error instanceof UsageError && !(error instanceof AlreadyAnswered)) {
      const { keepShownAfterRefusal } = await import("./confirm.js");
      await keepShownAfterRefusal(command, seen);
    }
    throw error;
  }
}
