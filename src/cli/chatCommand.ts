import { createInterface } from "node:readline";
import { runChat, type ChatOptions } from "../approvals/chat.js";

/**
 * `leanos chat` on this process's stdin: a terminal gets prompts and line editing; piped input is
 * read line by line, so scripts and tests can drive the session. With --json, each answered item is
 * one JSON line on stdout and everything meant for a person goes to stderr.
 */
export async function runChatCommand(options: {
  json: boolean;
  by: string;
  open: ChatOptions["open"];
  shown?: ChatOptions["shown"];
}): Promise<void> {
  const interactive = Boolean(process.stdin.isTTY);
  const reader = createInterface({ input: process.stdin, terminal: interactive });
  // Take the iterator at once: piped lines that arrive before it exists would be lost.
  const lines = reader[Symbol.asyncIterator]();
  const human = options.json ? process.stderr : process.stdout;
  // Fail early on a bad workspace, before the person starts typing.
  (await options.open()).close();
  try {
    await runChat(
      {
        lines,
        say: (text) => human.write(`${text}\n`),
        prompt: (text) => {
          if (interactive) human.write(text);
        },
        ...(options.json ? { record: (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`) } : {}),
      },
      { open: options.open, by: options.by, ...(options.shown ? { shown: options.shown } : {}) },
    );
  } finally {
    reader.close();
  }
}
