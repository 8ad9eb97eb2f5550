import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTwoFilesPatch } from "diff";
import { parseFrontMatter } from "../files/frontMatter.js";
import { shownPaths, type ProgressPlace } from "../files/shownPaths.js";
import pc from "picocolors";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { AlreadyAnswered, UsageError } from "../errors.js";
import type { ProgressEvent } from "../graph/kit.js";
import type { StageDrafter } from "../stages/drafter.js";
import type { GivenAnswer } from "../gates/wire.js";
import type { ThreadResult } from "../runtime/engine.js";
import type { RawEvent } from "../stages/context.js";
import type { PendingItem } from "../core/threadMeta.js";
import { editValue, fromModel, parseCommand, type Intent } from "../core/intent.js";
import { HELP, presentItem } from "./present.js";
import { gateLabel } from "../core/gateKind.js";

// `leanos chat`: one session that walks through everything that waits, takes answers line by line
// (from a person at a terminal or a script on stdin), and takes new events in plain words.

export interface ChatIO {
  /** Lines typed or piped in; ends at EOF. */
  lines: AsyncIterator<string>;
  /** What a person reads (prompts, material, progress). */
  say: (text: string) => void;
  /** One JSON document a line for each answered item (--json), or undefined. */
  record?: (value: unknown) => void;
  prompt: (text: string) => void;
}

/** What a session works through: the embedded runtime of a workspace, or a LangGraph server (chatBackend.ts). */
export interface ChatBackend {
  now(): Date;
  /** The largest event accepted, in bytes. */
  maxEventBytes: number;
  /** The workspace folder drafts are read from, when this machine has it. */
  root: string | undefined;
  pending(): Promise<PendingItem[]>;
  /** The values an edit of the item may change, as they are now. */
  editable(item: PendingItem): Promise<Record<string, unknown>>;
  startEvent(event: RawEvent): Promise<ThreadResult>;
  stageOutputs(thread: string): Promise<Partial<Record<string, unknown>>>;
  /** The model that reads free text, if there is one. */
  drafter(): Promise<Pick<StageDrafter, "readIntent">>;
  answer(thread: string, response: GivenAnswer, expected?: string): Promise<ThreadResult>;
  /** Corrects what the drafter read of a thread (leanos correct). */
  correct(thread: string, fields: Record<string, unknown>, by: string): Promise<ThreadResult>;
  close(): Promise<void>;
}

export interface ChatOptions {
  open: (extra?: { onProgress?: (event: ProgressEvent) => void }) => Promise<ChatBackend>;
  by: string;
  editor?: string;
  /** Told of each item once it is shown in full, so `leanos approve` knows the question was seen (shown.ts). */
  shown?: (item: PendingItem) => Promise<void>;
}

type Ask = { kind: "line"; text: string } | { kind: "eof" };

async function next(io: ChatIO, prompt: string): Promise<Ask> {
  io.prompt(prompt);
  const line = await io.lines.next();
  return line.done ? { kind: "eof" } : { kind: "line", text: line.value };
}

async function withRuntime<T>(
  options: ChatOptions,
  io: ChatIO,
  work: (runtime: ChatBackend) => Promise<T>,
): Promise<T> {
  // A fresh runtime for each step: the canvas and the threads are read as they are now.
  let place: ProgressPlace | undefined;
  const runtime = await options.open({ onProgress: progressTo(io, () => place) });
  if (runtime.root) place = { root: runtime.root, threadsDir: join(runtime.root, "threads") };
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Progress as the session shows it: the files a step wrote, as paths from the workspace that exist. */
function progressTo(io: ChatIO, place: () => ProgressPlace | undefined): (event: ProgressEvent) => void {
  return (event) => {
    if (event.kind === "stage-done") {
      const where = place();
      io.say(
        `  ${pc.green("✓")} ${event.stage.padEnd(12)} ${where ? shownPaths(where, event.thread, event.files).join(", ") : ""}`.trimEnd(),
      );
    } else if (event.kind === "gate") io.say(`  ${pc.cyan("→")} ${event.stage} gate: ${event.detail}`);
  };
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

/** Opens the editable values in $EDITOR; returns what changed, or null when nothing did. */
async function editInEditor(
  item: PendingItem,
  values: Record<string, unknown>,
  editor: string,
): Promise<Record<string, unknown> | null> {
  const dir = await mkdtemp(join(tmpdir(), "leanos-edit-"));
  const file = join(dir, `${item.kind}.yaml`);
  try {
    const before = toYaml(values);
    await writeFile(file, `# Edit the values, save and close. Fields: ${(item.fields ?? []).join(", ")}\n${before}`);
    const result = spawnSync(editor, [file], { stdio: "inherit", shell: true });
    if (result.status !== 0)
      throw new UsageError(`the editor (${editor}) exited with ${result.status}; nothing was changed`);
    let edited: unknown;
    try {
      edited = parseYaml(await readFile(file, "utf8"));
    } catch (error) {
      throw new UsageError(`the saved text is not valid YAML (${(error as Error).message}); nothing was changed`);
    }
    if (edited === null || typeof edited !== "object" || Array.isArray(edited))
      throw new UsageError("the saved text must be the values as YAML; nothing was changed");
    const changes = Object.fromEntries(
      Object.entries(edited).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(values[key])),
    );
    return Object.keys(changes).length > 0 ? changes : null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const currentValues = (runtime: ChatBackend, item: PendingItem): Promise<Record<string, unknown>> =>
  runtime.editable(item);

/** What a draft says: its structured output when the file records one (so a new timestamp is no change), else its text. */
async function draftText(root: string | undefined, path: string | undefined): Promise<string> {
  if (!root || !path || !existsSync(join(root, path))) return "";
  const parsed = parseFrontMatter(path, await readFile(join(root, path), "utf8"));
  const output = parsed.data.output;
  return output === undefined ? parsed.content : toYaml(output);
}

/** Runs the session until quit or end of input. Returns how many items were answered. */
export async function runChat(io: ChatIO, options: ChatOptions): Promise<number> {
  let answered = 0;
  const skipped = new Set<string>();
  const keyOf = (item: PendingItem): string =>
    item.id ?? `${item.thread}/${item.node}/${item.action_id ?? item.opportunity_id ?? ""}`;

  const waiting = (): Promise<PendingItem[]> => withRuntime(options, io, (runtime) => runtime.pending());
  const listing = (items: PendingItem[]): string =>
    items.length === 0
      ? "Nothing waits for you."
      : [
          `${items.length} item(s) wait, highest impact first:`,
          ...items.map(
            (item, index) =>
              `  ${index + 1}. [${item.impact ?? "-"}] ${gateLabel(item).padEnd(11)} ${item.thread}${item.action_id ? ` ${item.action_id}` : ""}`,
          ),
        ].join("\n");

  const report = (
    item: PendingItem,
    answer: string,
    result: ThreadResult | undefined,
    extra: Record<string, unknown> = {},
  ): void => {
    io.record?.({
      thread: item.thread,
      kind: item.kind,
      node: item.node,
      ...(item.action_id ? { action_id: item.action_id } : {}),
      answer,
      by: options.by,
      at: new Date().toISOString(),
      ...(result
        ? { state: result.state, pending: result.pending, started: result.started.map((started) => started.thread) }
        : {}),
      ...extra,
    });
  };

  const startEvent = async (text: string): Promise<void> => {
    io.say(pc.bold(`New event: ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`));
    const result = await withRuntime(options, io, async (runtime) => {
      const { readEvent } = await import("../stages/readEvent.js");
      return runtime.startEvent(
        await readEvent({
          text,
          source: "leanos chat",
          today: runtime.now().toISOString().slice(0, 10),
          maxBytes: runtime.maxEventBytes,
        }),
      );
    });
    io.say(
      `Thread ${result.thread}: ${result.state}${result.pending.length > 0 ? `, waits at ${result.pending.map((entry) => entry.kind).join(", ")}` : ""}`,
    );
    io.record?.({ event: text, thread: result.thread, state: result.state, pending: result.pending });
  };

  const correctThread = async (thread: string, edit: string): Promise<void> => {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(edit) as Record<string, unknown>;
    } catch {
      io.say(`That correction is not valid JSON; write it as correct THREAD {"type":"sales"}.`);
      return;
    }
    const result = await withRuntime(options, io, (runtime) => runtime.correct(thread, fields, options.by));
    io.say(
      `Corrected ${Object.keys(fields).join(", ")}. Thread ${result.thread}: ${result.state}${result.pending.length > 0 ? `, waits at ${result.pending.map((entry) => entry.kind).join(", ")}` : ""}`,
    );
    io.record?.({ correct: thread, fields, thread: result.thread, state: result.state, pending: result.pending });
  };

  /** Reads a line when nothing is being asked; returns false at quit or EOF. */
  const idle = async (): Promise<boolean> => {
    for (;;) {
      const ask = await next(io, "leanos> ");
      if (ask.kind === "eof") return false;
      if (ask.text.trim() === "") continue;
      const intent = parseCommand(ask.text, undefined);
      if (intent?.kind === "quit") return false;
      if (intent?.kind === "help") io.say(HELP);
      else if (intent?.kind === "list") return true;
      else if (intent?.kind === "event") await safely(io, () => startEvent(intent.text));
      else if (intent?.kind === "correct") await safely(io, () => correctThread(intent.thread, intent.edit));
      else {
        const reading = await readFreeText(options, io, ask.text, undefined);
        if (reading.kind === "event") await safely(io, () => startEvent(reading.text));
        else io.say('Nothing waits now. Type "event: TEXT" to hand over an event, "list" to look again, or "quit".');
      }
      const items = await waiting();
      if (items.some((item) => !skipped.has(keyOf(item)))) return true;
    }
  };

  io.say(listing(await waiting()));
  for (;;) {
    const items = (await waiting()).filter((item) => !skipped.has(keyOf(item)));
    const item = items[0];
    if (!item) {
      if (!(await idle())) return answered;
      skipped.clear();
      io.say(listing(await waiting()));
      continue;
    }
    const { outputs, root } = await withRuntime(options, io, async (runtime) => ({
      outputs: await runtime.stageOutputs(item.thread),
      root: runtime.root,
    }));
    io.say(await presentItem(root, item, outputs, `${items.length} waiting`));
    await options.shown?.(item);
    // Ask until this item is answered, skipped, or the session ends.
    for (;;) {
      const ask = await next(io, "> ");
      if (ask.kind === "eof") {
        io.say(
          `Input ended; ${item.thread} (${gateLabel(item)}${item.action_id ? ` ${item.action_id}` : ""}) still waits.`,
        );
        return answered;
      }
      if (ask.text.trim() === "") continue;
      let intent = parseCommand(ask.text, item) ?? (await readFreeText(options, io, ask.text, item));
      if (intent.kind === "unclear") {
        io.say(
          `I am not sure what you mean (${intent.reason}). ${pc.dim("Type help for the answers, or say it in other words.")}`,
        );
        continue;
      }
      if (intent.kind === "help") {
        io.say(HELP);
        continue;
      }
      if (intent.kind === "quit") return answered;
      if (intent.kind === "list") {
        io.say(listing(await waiting()));
        continue;
      }
      if (intent.kind === "skip") {
        skipped.add(keyOf(item));
        io.say(`Skipped; ${item.thread} keeps waiting.`);
        report(item, "skip", undefined);
        break;
      }
      if (intent.kind === "event") {
        await safely(io, () => startEvent(intent.kind === "event" ? intent.text : ""));
        io.say(pc.dim(`Back to ${item.thread}:`));
        continue;
      }
      if (intent.kind === "correct") {
        const { thread, edit } = intent;
        await safely(io, () => correctThread(thread, edit));
        // The correction may have answered this very item (a correction of the thread waiting here redrafts it).
        break;
      }
      if (intent.kind === "respond" && intent.text === "") {
        const feedback = await next(io, "What should change? ");
        if (feedback.kind === "eof" || feedback.text.trim() === "") {
          io.say(`No feedback given; ${item.thread} still waits.`);
          if (feedback.kind === "eof") return answered;
          continue;
        }
        intent = { kind: "respond", text: feedback.text.trim() };
      }
      if (intent.kind === "reject" && !intent.reason) {
        const why = await next(io, "Why? (the thread records it) ");
        if (why.kind === "eof") {
          io.say(`Input ended; ${item.thread} still waits.`);
          return answered;
        }
        intent = { kind: "reject", reason: why.text.trim() || "no reason given" };
      }
      const done = await safely(io, () => answer(options, io, item, intent, root));
      if (done === "answered-elsewhere") {
        io.say(pc.yellow("That was answered elsewhere in the meantime; nothing was changed here."));
        report(item, "answered-elsewhere", undefined);
        break;
      }
      if (done && typeof done === "object") {
        answered += 1;
        report(item, intent.kind, done.result, done.extra);
        break;
      }
    }
  }
}

/** Reads free text with the provider's model when it has one; the offline provider knows only the command words. */
async function readFreeText(
  options: ChatOptions,
  io: ChatIO,
  line: string,
  item: PendingItem | undefined,
): Promise<Intent> {
  return withRuntime(options, io, async (runtime) => {
    const drafter = await runtime.drafter();
    if (!drafter.readIntent) return { kind: "unclear", reason: `"${line}" is not a command I know` };
    const reading = await drafter.readIntent({
      question: item?.question ?? "Nothing is being asked; the founder may be handing over a new event.",
      allowed: item ? item.allowed.join(", ") : "event, help, quit",
      ...(item?.outcomes ? { outcomes: item.outcomes.join(", ") } : {}),
      fields: (item?.fields ?? []).join(", ") || "none",
      line,
    });
    const intent = fromModel(reading);
    // A model's reading is never taken as an approval without the person confirming it.
    if (intent.kind === "accept") {
      io.say(
        `I read that as: accept${intent.outcome ? ` with outcome ${intent.outcome}` : ""}. Type "yes" to confirm.`,
      );
      return { kind: "unclear", reason: "waiting for your confirmation" };
    }
    return intent;
  });
}

/** Runs a step, printing a usage problem instead of ending the session. */
async function safely<T>(io: ChatIO, work: () => Promise<T>): Promise<T | "answered-elsewhere" | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AlreadyAnswered) return "answered-elsewhere";
    if (error instanceof UsageError) {
      io.say(pc.yellow(error.message));
      io.say(pc.dim("The item still waits; answer again, or type help."));
      return undefined;
    }
    io.say(pc.red(`failed: ${(error as Error).message}`));
    return undefined;
  }
}

async function answer(
  options: ChatOptions,
  io: ChatIO,
  item: PendingItem,
  intent: Intent,
  root: string | undefined,
): Promise<{ result: ThreadResult; extra: Record<string, unknown> } | undefined> {
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
      case "edit": {
        let edits: Record<string, unknown> | null;
        if (intent.field === undefined) {
          edits = await editInEditor(
            item,
            await currentValues(runtime, item),
            options.editor ?? process.env.VISUAL ?? process.env.EDITOR ?? "vi",
          );
          if (!edits) throw new UsageError("nothing was changed in the editor; the item still waits");
        } else {
          edits = { [resolveField(item, intent.field)]: editValue(intent.value ?? "") };
        }
        const result = await runtime.answer(
          item.thread,
          { type: "edit", args: { action: "edit", args: edits }, by },
          item.id,
        );
        io.say(
          `${pc.green("Edited and accepted")} (${Object.entries(edits)
            .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
            .join(", ")}). ${result.thread}: ${result.state}`,
        );
        return { result, extra: { edits } };
      }
      case "respond": {
        const before = await draftText(root, item.draft);
        const result = await runtime.answer(item.thread, { type: "response", args: intent.text, by }, item.id);
        const after = await draftText(root, item.draft);
        const patch = createTwoFilesPatch(
          `${item.draft} (before)`,
          `${item.draft} (redrafted)`,
          before,
          after,
          "",
          "",
          { context: 1 },
        );
        const changed = patch.split("\n").filter((line) => /^[+-](?![+-])/.test(line));
        io.say(pc.bold(`Redrafted with your feedback; what changed (${changed.length} line(s)):`));
        io.say(
          changed.length > 0
            ? changed.map((line) => (line.startsWith("+") ? pc.green(`  ${line}`) : pc.red(`  ${line}`))).join("\n")
            : "  (the draft did not change)",
        );
        return { result, extra: { feedback: intent.text, changed } };
      }
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
