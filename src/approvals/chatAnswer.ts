import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createTwoFilesPatch } from "diff";
import pc from "picocolors";
import { stringify as toYaml } from "yaml";
import { UsageError } from "../errors.js";
import { editValue, type Intent } from "../core/intent.js";
import type { PendingItem } from "../core/threadMeta.js";
import { parseFrontMatter } from "../files/frontMatter.js";
import type { ThreadResult } from "../runtime/threadService.js";
import { withRuntime, type ChatBackend, type ChatIO, type ChatOptions } from "./chatIO.js";
import { editInEditor } from "./editorValues.js";

// A chat answer to the item shown: accept, edit, respond or reject given to the thread (with the
// question it answers), and what it did said back to the person.

/** What an answer did: the thread's result, and what the --json record adds about it. */
export interface ChatAnswered {
  result: ThreadResult;
  extra: Record<string, unknown>;
}

/** Gives `intent` as the answer to `item`; undefined for an intent that answers nothing. */
export async function answer(
  options: ChatOptions,
  io: ChatIO,
  item: PendingItem,
  intent: Intent,
  root: string | undefined,
): Promise<ChatAnswered | undefined> {
  return withRuntime(options, io, async (runtime) => {
    const by = options.by;
    switch (intent.kind) {
      case "accept": {
        const response = intent.outcome
          ? { type: "edit" as const, args: { action: "edit", args: { outcome: intent.outcome } }, by }
          : { type: "accept" as const, args: null, by };
        const result = await runtime.answer(item.thread, response, item.id);
        io.say(`${pc.green("Accepted.")} ${result.thread}: ${result.state}`);
        return { result, extra: intent.outcome ? { outcome: intent.outcome } : {} };
      }
      case "edit":
        return editAnswer(options, io, runtime, item, intent);
      case "respond":
        return respondAnswer(options, io, runtime, item, intent.text, root);
      case "reject": {
        const result = await runtime.answer(
          item.thread,
          { type: "ignore", args: intent.reason ?? "no reason given", by },
          item.id,
        );
        io.say(`${pc.yellow("Rejected")} (${intent.reason}). ${result.thread}: ${result.state}`);
        return { result, extra: { reason: intent.reason } };
      }
      default:
        return undefined;
    }
  });
}

/** An edit of one field (`edit FIELD VALUE`), or of every value in $EDITOR (`edit`). */
async function editAnswer(
  options: ChatOptions,
  io: ChatIO,
  runtime: ChatBackend,
  item: PendingItem,
  intent: Extract<Intent, { kind: "edit" }>,
): Promise<ChatAnswered> {
  let edits: Record<string, unknown> | null;
  if (intent.field === undefined) {
    edits = await editInEditor(
      item,
      await runtime.editable(item.thread),
      options.editor ?? process.env.VISUAL ?? process.env.EDITOR ?? "vi",
    );
    if (!edits) throw new UsageError("nothing was changed in the editor; the item still waits");
  } else {
    edits = { [resolveField(item, intent.field)]: editValue(intent.value ?? "") };
  }
  const result = await runtime.answer(
    item.thread,
    { type: "edit", args: { action: "edit", args: edits }, by: options.by },
    item.id,
  );
  io.say(
    `${pc.green("Edited and accepted")} (${Object.entries(edits)
      .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
      .join(", ")}). ${result.thread}: ${result.state}`,
  );
  return { result, extra: { edits } };
}

/** Feedback for a redraft, and the lines of the draft it changed. */
async function respondAnswer(
  options: ChatOptions,
  io: ChatIO,
  runtime: ChatBackend,
  item: PendingItem,
  feedback: string,
  root: string | undefined,
): Promise<ChatAnswered> {
  const before = await draftText(root, item.draft);
  const result = await runtime.answer(item.thread, { type: "response", args: feedback, by: options.by }, item.id);
  const after = await draftText(root, item.draft);
  const patch = createTwoFilesPatch(`${item.draft} (before)`, `${item.draft} (redrafted)`, before, after, "", "", {
    context: 1,
  });
  const changed = patch.split("\n").filter((line) => /^[+-](?![+-])/.test(line));
  io.say(pc.bold(`Redrafted with your feedback; what changed (${changed.length} line(s)):`));
  io.say(
    changed.length > 0
      ? changed.map((line) => (line.startsWith("+") ? pc.green(`  ${line}`) : pc.red(`  ${line}`))).join("\n")
      : "  (the draft did not change)",
  );
  return { result, extra: { feedback, changed } };
}

/** Maps a short field name to the item's own: `confidence` -> `A4.confidence` when only one fits. */
function resolveField(item: PendingItem, field: string): string {
  const fields = item.fields ?? [];
  if (fields.includes(field)) return field;
  const matches = fields.filter((candidate) => candidate.toLowerCase().endsWith(`.${field.toLowerCase()}`));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new UsageError(`"${field}" could be ${matches.join(" or ")}: say which`);
  throw new UsageError(`"${field}" is not a field of this item (fields: ${fields.join(", ") || "none"})`);
}

/** What a draft says: its structured output when the file records one (so a new timestamp is no change), else its text. */
async function draftText(root: string | undefined, path: string | undefined): Promise<string> {
  if (!root || !path || !existsSync(join(root, path))) return "";
  const parsed = parseFrontMatter(path, await readFile(join(root, path), "utf8"));
  const output = parsed.data.output;
  return output === undefined ? parsed.content : toYaml(output);
}
