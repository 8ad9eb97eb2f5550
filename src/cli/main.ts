import type { StatusRow } from "../runtime/acrossThreads.js";
import { Command, CommanderError, Option } from "commander";
import pc from "picocolors";
import { UsageError } from "../errors.js";
import type { Runtime, RuntimeOptions, ThreadResult } from "../runtime/engine.js";
import { ThreadType } from "../stages/schemas.js";
import type { PendingItem, ThreadMeta } from "../threads/meta.js";
import { progressPrinter } from "./progress.js";
import { readEvent } from "./readEvent.js";
import { gateLabel } from "../gates/kind.js";
import type { RemoteThread, RemoteThreads } from "../remote/threads.js";
import type { GivenAnswer } from "../gates/wire.js";
import { DEFAULT_MAX_EVENT_KB } from "./readEvent.js";

interface GlobalOptions {
  workspace?: string;
  server?: string;
  json?: boolean;
  quiet?: boolean;
  now?: string;
}

function clockFrom(now: string | undefined): (() => Date) | undefined {
  if (now === undefined) return undefined;
  const at = new Date(now);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--now ${now}: expected a date or time such as 2026-12-01 or 2026-12-01T08:00:00Z`);
  return () => at;
}

const out = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};

function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

function formatPending(items: PendingItem[]): string {
  if (items.length === 0) return "Nothing waits for a human.";
  return items
    .map((item) => {
      const answers = item.allowed.join(" | ");
      return [
        `${pc.bold(item.thread)}  ${gateLabel(item)}${item.action_id ? ` ${item.action_id}` : ""}  impact ${item.impact ?? "-"}`,
        `  ${item.question}`,
        item.draft ? `  draft: ${item.draft}` : "",
        item.diff ? item.diff.trimEnd().split("\n").map((line) => `    ${line}`).join("\n") : "",
        item.outcomes
          ? `  report: leanos approve ${item.thread} --edit '{"outcome":"${item.outcomes[0]}"}'  (outcomes: ${item.outcomes.join(" | ")})`
          : `  answers: ${answers}  (leanos approve ${item.thread} | leanos reject ${item.thread} --reason "...")`,
      ]
        .filter((line) => line.length > 0)
        .join("\n");
    })
    .join("\n\n");
}

function formatResult(result: ThreadResult): string {
  const lines = [`Thread ${pc.bold(result.thread)}: ${result.state}`, `  folder: ${result.dir}`];
  if (result.pending.length > 0) lines.push("", "Waiting for a human:", formatPending(result.pending));
  for (const started of result.started) lines.push("", `Started from an approved opportunity:`, formatResult(started));
  return lines.join("\n");
}

/** Why `resume` ran nothing, and what moves the thread on. */
function notRunBecause(result: ThreadResult): string {
  if (result.state === "waiting") return "it waits for a person (see below).";
  if (result.state === "scheduled") return "its next step is scheduled; leanos pass runs it when it is due.";
  if (result.state === "done") return "it is complete.";
  return `it is ${result.state}.`;
}

function resultJson(result: ThreadResult): Record<string, unknown> {
  return { thread: result.thread, state: result.state, pending: result.pending, dir: result.dir, files: result.files, started: result.started.map(resultJson) };
}

function formatStatus(rows: StatusRow[]): string {
  if (rows.length === 0) return "No threads yet: start one with leanos event.";
  return rows.map((row) => `${row.thread.padEnd(48)} ${row.state.padEnd(8)} ${(row.stage ?? "-").padEnd(12)} ${row.next}`).join("\n");
}

function formatThread(meta: ThreadMeta & { next: string }): string {
  return [
    `${pc.bold(meta.thread)}  ${meta.title}`,
    `  state: ${meta.state}   stage: ${meta.stage ?? "-"}   impact: ${meta.impact ?? "-"}`,
    `  drafted by: ${meta.provider} (${meta.model})   event: ${meta.event.date}, ${meta.event.source}`,
    `  next: ${meta.next}`,
    "  files:",
    ...meta.files.map((file) => `    ${meta.thread}/${file}`),
  ].join("\n");
}

/** Which question an answer is meant for: the `id` of a pending item (`leanos pending --json`). */
const INTERRUPT_OPTION = () => new Option("--interrupt <id>", "answer only if this very question still waits (the id from leanos pending --json); else exit 2 and change nothing");

function formatRemoteStatus(rows: RemoteThread[]): string {
  if (rows.length === 0) return "No threads on the server yet: start one with leanos --server URL event.";
  const next = (row: RemoteThread): string =>
    row.state === "waiting" ? row.pending.map((item) => `${gateLabel(item)} gate: ${item.question}`).join("; ") : row.state === "scheduled" ? `the next step is due ${row.next_due}` : row.state;
  return rows.map((row) => `${row.thread.padEnd(48)} ${row.state.padEnd(9)} ${(row.stage ?? "-").padEnd(12)} ${next(row)}  (${row.id})`).join("\n");
}

function who(): string {
  return process.env.LEANOS_USER ?? process.env.USER ?? "human";
}

/** The commands that work through a LangGraph server (--server, LEANOS_SERVER_URL); the others work on the workspace itself. */
const THROUGH_SERVER = new Set(["event", "pending", "approve", "respond", "reject", "status", "chat"]);

/** The commands that may run steps, and so read the workspace's data files in the middle of one. */
const RUNS_STEPS = new Set(["event", "approve", "respond", "reject", "resume", "pass", "schedule"]);

/** A broken metrics or ICP file is refused before the command writes anything (see dataFiles.ts). */
async function checkDataFilesOf(dir: string | undefined): Promise<void> {
  const { openWorkspace } = await import("../workspace/workspace.js");
  const { checkDataFiles } = await import("../actions/dataFiles.js");
  await checkDataFiles((await openWorkspace(dir)).root);
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("leanos")
    .description("Runs the LeanOS causal flow: business events drafted through six stages against the canvas, with human approval gates.")
    .option("-w, --workspace <dir>", "the workspace folder (default: LEANOS_WORKSPACE or the current folder)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .option("-q, --quiet", "no progress output on stderr")
    .option("--now <time>", "the time to act as if it were (ISO date or time); for due dates, SLAs and replays")
    .option("--server <url>", "work through a LangGraph server that serves the leanos graph (default: LEANOS_SERVER_URL; without either, the embedded runtime)")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .addHelpText("after", "\nExample:\n  leanos --workspace ./my-company event \"Acme deal closed: $40K ARR\"\n  leanos pending\n  leanos approve sales/acme-deal-closed");

  program.hook("preAction", (_program, action) => {
    const asked = (action.optsWithGlobals() as GlobalOptions).server;
    if (asked !== undefined && !THROUGH_SERVER.has(action.name())) {
      throw new UsageError(`leanos ${action.name()} works on the workspace itself, not through a server: leave out --server (through a server: ${[...THROUGH_SERVER].join(", ")})`);
    }
  });

  const open = async (command: Command, extra: Partial<RuntimeOptions> = {}): Promise<Runtime> => {
    const global = command.optsWithGlobals() as GlobalOptions;
    const options: RuntimeOptions = { ...extra };
    if (global.workspace) options.workspace = global.workspace;
    const clock = clockFrom(global.now);
    if (clock) options.now = clock;
    if (!global.quiet) options.onProgress = progressPrinter();
    if (RUNS_STEPS.has(command.name())) await checkDataFilesOf(global.workspace);
    // Loaded on demand so --help and usage errors answer without loading LangGraph.
    const { Runtime } = await import("../runtime/engine.js");
    return Runtime.open(options);
  };
  const jsonWanted = (command: Command): boolean => Boolean((command.optsWithGlobals() as GlobalOptions).json);
  /** Opens the workspace, does the work, prints the result as JSON or text, and always closes. */
  const withRuntime = async <T>(command: Command, work: (runtime: Runtime) => Promise<T>, text: (value: T) => string, extra: Partial<RuntimeOptions> = {}, json: (value: T) => unknown = (value) => value): Promise<void> => {
    const runtime = await open(command, extra);
    try {
      const value = await work(runtime);
      if (jsonWanted(command)) printJson(json(value));
      else out(text(value));
    } finally {
      await runtime.close();
    }
  };
  const threadCommand = (command: Command, work: (runtime: Runtime) => Promise<ThreadResult>, extra: Partial<RuntimeOptions> = {}): Promise<void> =>
    withRuntime(command, work, formatResult, extra, resultJson);

  /** The LangGraph server the command goes through, if one is named. */
  const serverOf = (command: Command): string | undefined => (command.optsWithGlobals() as GlobalOptions).server ?? (process.env.LEANOS_SERVER_URL || undefined);
  /** Does the work through the server's SDK client and prints it as JSON or text. */
  const withServer = async <T>(command: Command, url: string, work: (remote: RemoteThreads) => Promise<T>, text: (value: T) => string, json: (value: T) => unknown = (value) => value, models: { provider?: string; model?: string } = {}): Promise<void> => {
    const { RemoteThreads } = await import("../remote/threads.js");
    const value = await work(new RemoteThreads(url, { user: who(), ...models }));
    if (jsonWanted(command)) printJson(json(value));
    else out(text(value));
  };
  /** An answer to the gate a thread waits at, through the server when one is named. */
  const answerCommand = (command: Command, thread: string, answer: GivenAnswer, expected: string | undefined): Promise<void> => {
    const url = serverOf(command);
    if (url) return withServer(command, url, (remote) => remote.answer(thread, answer, expected), formatResult, resultJson);
    return threadCommand(command, (runtime) => runtime.answer(thread, answer, expected));
  };

  program
    .command("init")
    .description("lay out a new workspace: canvas skeleton, assumptions file, folders, settings")
    .argument("[dir]", "where (default: the current folder)", ".")
    .option("-c, --company <name>", "the company's name", "Our company")
    .addOption(new Option("--mode <mode>", "business mode: how impact is scored").choices(["VENTURE", "BOOTSTRAP", "HYBRID"]).default("BOOTSTRAP"))
    .option("--git", "make the workspace a git repository, so approved canvas changes are committed")
    .addHelpText("after", '\nExample:\n  leanos init ~/acme --company Acme --mode VENTURE --git')
    .action(async (dir: string, options: { company: string; mode: "VENTURE" | "BOOTSTRAP" | "HYBRID"; git?: boolean }, command: Command) => {
      const { initWorkspace } = await import("../workspace/init.js");
      const result = await initWorkspace(dir, { company: options.company, mode: options.mode, git: Boolean(options.git) });
      if (jsonWanted(command)) printJson(result);
      else out(`Workspace laid out in ${result.root} (${result.files.length} files). Next: fill in strategy/canvas/, then leanos --workspace ${result.root} event "..."`);
    });

  program
    .command("event")
    .description("start a thread from a raw event; runs until done or a gate")
    .argument("[text]", "the event text, or - to read it from stdin")
    .option("-f, --file <file>", "read the event from a markdown file (front-matter date/source are used)")
    .addOption(new Option("-t, --type <type>", "thread type instead of the classifier's").choices(ThreadType.options))
    .option("-s, --source <source>", "where the event comes from (contract, CRM note...)")
    .option("-d, --date <date>", "when it happened, YYYY-MM-DD (default: the file's date, else today)")
    .option("-p, --provider <provider>", "offline, anthropic:MODEL or openai:MODEL (any OpenAI-compatible server at OPENAI_BASE_URL); default: anthropic when ANTHROPIC_API_KEY is set, else offline")
    .option("-m, --model <model>", "the model name for the provider")
    .addHelpText("after", '\nExamples:\n  leanos event "Acme deal closed: $40K ARR, 3-year term" --source contract.pdf\n  leanos event --file events/01-acme-deal-closed.md --json\n  cat note.md | leanos event -')
    .addHelpText("after", "\nThe event must be UTF-8 text without NUL bytes, at most max_event_kb (.leanos/config.yaml, default 256) KB.")
    .action(async (text: string | undefined, options: { file?: string; type?: string; source?: string; date?: string; provider?: string; model?: string }, command: Command) => {
      const url = serverOf(command);
      // The workspace is opened first: its config sets the size limit, and a missing workspace is
      // reported before anything is read from stdin. Through a server, the server's workspace is used.
      const { openWorkspace } = await import("../workspace/workspace.js");
      const maxKb = url ? DEFAULT_MAX_EVENT_KB : (await openWorkspace((command.optsWithGlobals() as GlobalOptions).workspace)).config.max_event_kb;
      const event = await readEvent({
        ...(text !== undefined ? { text } : {}),
        ...(options.file ? { file: options.file } : {}),
        ...(options.date !== undefined ? { date: options.date } : {}),
        ...(options.source ? { source: options.source } : {}),
        today: new Date().toISOString().slice(0, 10),
        maxBytes: maxKb * 1024,
      });
      const models = { ...(options.provider ? { provider: options.provider } : {}), ...(options.model ? { model: options.model } : {}) };
      if (url) return withServer(command, url, (remote) => remote.startEvent(event, options.type as ThreadType | undefined), formatResult, resultJson, models);
      await threadCommand(command, (runtime) => runtime.startEvent(event, options.type as ThreadType | undefined), models);
    });

  program
    .command("pending")
    .description("what waits for a human: thread, stage or action, impact, question")
    .argument("[thread]", "only this thread (slug or unique prefix)")
    .addHelpText("after", "\nExample:\n  leanos pending --json")
    .action(async (thread: string | undefined, _options: unknown, command: Command) => {
      const url = serverOf(command);
      if (url) return withServer(command, url, (remote) => remote.pending(thread), formatPending);
      await withRuntime(command, (runtime) => runtime.pending(thread), formatPending);
    });

  program
    .command("approve")
    .description("accept the waiting gate (optionally with edited values) and resume")
    .argument("<thread>", "the thread (slug or unique prefix)")
    .option("-e, --edit <json>", 'changed values, e.g. \'{"verdict":"DEFER"}\' or \'{"due":"2026-12-01"}\'')
    .addOption(INTERRUPT_OPTION())
    .addHelpText("after", "\nExamples:\n  leanos approve sales/acme-deal-closed\n  leanos approve acme --edit '{\"title\":\"Publish the case study in January\"}'")
    .action(async (thread: string, options: { edit?: string; interrupt?: string }, command: Command) => {
      let edits: Record<string, unknown> | undefined;
      if (options.edit !== undefined) {
        try {
          edits = JSON.parse(options.edit) as Record<string, unknown>;
        } catch {
          throw new UsageError(`--edit: not valid JSON: ${options.edit}`);
        }
        if (edits === null || typeof edits !== "object" || Array.isArray(edits)) throw new UsageError("--edit must be a JSON object");
      }
      const answer = edits ? { type: "edit" as const, args: { action: "edit", args: edits }, by: who() } : { type: "accept" as const, args: null, by: who() };
      await answerCommand(command, thread, answer, options.interrupt);
    });

  program
    .command("respond")
    .description("give feedback; the stage is redrafted and asked again")
    .argument("<thread>", "the thread (slug or unique prefix)")
    .argument("<text>", "the feedback")
    .addOption(INTERRUPT_OPTION())
    .addHelpText("after", '\nExample:\n  leanos respond elsaai "defer until the customer agrees to be named"')
    .action(async (thread: string, text: string, options: { interrupt?: string }, command: Command) => {
      await answerCommand(command, thread, { type: "response", args: text, by: who() }, options.interrupt);
    });

  program
    .command("reject")
    .description("refuse the waiting gate; the thread records why and moves on")
    .argument("<thread>", "the thread (slug or unique prefix)")
    .option("-r, --reason <text>", "why (recorded in the thread; must not be empty)")
    .addOption(INTERRUPT_OPTION())
    .addHelpText("after", '\nExample:\n  leanos reject sales/elsaai-deal-closed --reason "customer has not agreed to publicity"')
    .action(async (thread: string, options: { reason?: string; interrupt?: string }, command: Command) => {
      if (options.reason !== undefined && options.reason.trim().length === 0) throw new UsageError("--reason must say why (it is recorded in the thread); leave --reason out to record none");
      await answerCommand(command, thread, { type: "ignore", args: options.reason ?? "no reason given", by: who() }, options.interrupt);
    });

  program
    .command("resume")
    .description("run a failed or interrupted thread on from its last checkpoint (completed stages are not redone)")
    .argument("<thread>", "the thread (slug or unique prefix)")
    .addHelpText("after", "\nA thread with nothing left to run is shown as it is: what it waits for and the command that answers it.\n\nExample:\n  leanos resume sales/elsaai-deal-closed")
    .action(async (thread: string, _options: unknown, command: Command) => {
      await withRuntime(
        command,
        (runtime) => runtime.resume(thread),
        (result) => (result.ran ? formatResult(result) : `Nothing left to run on ${pc.bold(result.thread)}: ${notRunBecause(result)}\n\n${formatResult(result)}`),
        {},
        (result) => ({ ...resultJson(result), ran: result.ran }),
      );
    });

  program
    .command("status")
    .description("threads with stage, state, next step; one thread in detail")
    .argument("[thread]", "one thread (slug or unique prefix)")
    .addHelpText("after", "\nExamples:\n  leanos status\n  leanos status elsaai --json")
    .action(async (thread: string | undefined, _options: unknown, command: Command) => {
      const url = serverOf(command);
      if (url) {
        if (thread) return withServer(command, url, (remote) => remote.status(thread), (row) => formatRemoteStatus([row]));
        return withServer(command, url, (remote) => remote.threads(), formatRemoteStatus);
      }
      if (thread) {
        await withRuntime(
          command,
          async (runtime) => {
            const { meta } = await runtime.resolve(thread);
            return { ...meta, next: await runtime.nextStep(meta) };
          },
          formatThread,
        );
        return;
      }
      await withRuntime(
        command,
        async (runtime) => {
          const { statusRows } = await import("../runtime/acrossThreads.js");
          return statusRows(runtime);
        },
        formatStatus,
      );
    });

  program
    .command("canvas")
    .description("the canvas assumptions with status, confidence, last validation and evidence")
    .option("--history <id>", "how one assumption's confidence moved, thread by thread")
    .addHelpText("after", "\nExamples:\n  leanos canvas\n  leanos canvas --history A4\n  leanos canvas --json")
    .action(async (options: { history?: string }, command: Command) => {
      const { showCanvas } = await import("./canvasCommand.js");
      await showCanvas({ workspace: (command.optsWithGlobals() as GlobalOptions).workspace, json: jsonWanted(command), ...(options.history ? { history: options.history } : {}) });
    });

  program
    .command("today")
    .description("rebuild ops/today.md (what waits, AI decisions, canvas changes, opportunities, snapshot, alerts) and print it")
    .addHelpText("after", "\nExamples:\n  leanos today\n  leanos today --now 2026-12-01T08:00:00Z --json")
    .action(async (_options: unknown, command: Command) => {
      const { writeToday } = await import("../ops/todayFile.js");
      await withRuntime(command, writeToday, (result) => result.markdown);
    });

  program
    .command("usage")
    .description("model calls, tokens, cache reads and cost, from the audit log")
    .argument("[thread]", "only this thread (slug or unique prefix)")
    .addHelpText("after", "\nExamples:\n  leanos usage\n  leanos usage sales/elsaai-deal-closed --json")
    .action(async (thread: string | undefined, _options: unknown, command: Command) => {
      const { summariseUsage, formatUsage } = await import("../ops/usage.js");
      await withRuntime(
        command,
        async (runtime) => summariseUsage(await runtime.audit.read(), thread ? (await runtime.resolve(thread)).thread : undefined),
        formatUsage,
      );
    });

  program
    .command("chat")
    .description("interactive approvals: walk through what waits, answer each item, hand over new events")
    .addHelpText(
      "after",
      '\nAnswers: accept · edit FIELD VALUE · edit ($EDITOR) · respond TEXT · reject REASON · skip · list · event: TEXT · help · quit\n\nExamples:\n  leanos chat\n  printf "accept\\nedit confidence 85\\nquit\\n" | leanos chat --json',
    )
    .action(async (_options: unknown, command: Command) => {
      const { runChatCommand } = await import("./chatCommand.js");
      const global = command.optsWithGlobals() as GlobalOptions;
      const url = serverOf(command);
      await runChatCommand({
        json: jsonWanted(command),
        by: who(),
        open: async (extra) => {
          if (url) {
            const [{ RemoteThreads }, { serverChat }] = await Promise.all([import("../remote/threads.js"), import("../approvals/chatBackend.js")]);
            // Drafts are shown when this machine has the served workspace (a shared folder, or the same machine).
            const { openWorkspace } = await import("../workspace/workspace.js");
            const local = global.workspace ? await openWorkspace(global.workspace) : undefined;
            return serverChat(new RemoteThreads(url, { user: who() }), { ...(local ? { root: local.root } : {}), maxEventBytes: (local?.config.max_event_kb ?? DEFAULT_MAX_EVENT_KB) * 1024 });
          }
          const options: RuntimeOptions = { ...extra };
          if (global.workspace) options.workspace = global.workspace;
          const clock = clockFrom(global.now);
          if (clock) options.now = clock;
          const [{ Runtime }, { runtimeChat }] = await Promise.all([import("../runtime/engine.js"), import("../approvals/chatBackend.js")]);
          return runtimeChat(await Runtime.open(options));
        },
      });
    });

  program
    .command("pass")
    .description("one autonomous pass: run due steps, never cross a gate, spot patterns, flag what is stuck, rewrite ops/today.md")
    .option("--scan", "read every thread folder first and mend the thread index where it disagrees (as leanos reindex)")
    .addHelpText("after", "\nExamples:\n  leanos pass\n  leanos pass --now 2026-12-03T08:00:00Z --json\n\nFrom cron instead of leanos schedule:\n  0 8 * * *  cd /srv/glamyouup && leanos pass >> .leanos/pass.log 2>&1")
    .action(async (options: { scan?: boolean }, command: Command) => {
      const { runPass, formatPass } = await import("../ops/pass.js");
      const control = { stopping: false, scan: options.scan === true, log: (line: string) => process.stderr.write(`  ${line}\n`) };
      // A signal lets the step in hand finish; every write is atomic, so nothing is left half-written.
      const stop = (): void => {
        control.stopping = true;
      };
      // `on`, not `once`: a library's exit hook re-raises a signal nobody else listens to any more.
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
      try {
        await withRuntime(command, (runtime) => runPass(runtime, control), formatPass);
      } finally {
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
      }
    });

  program
    .command("reindex")
    .description("check the thread index against every thread folder's meta.json, and mend it")
    .option("--check", "only report the disagreements; exit 1 if there are any")
    .addHelpText(
      "after",
      "\nThe index (in .leanos/checkpoints.sqlite, or PostgreSQL) is how pending, status, today and pass find\nopen work without reading every thread folder. It is kept in step with meta.json; after a crash, a\nrestore from backup, or thread folders copied in by hand, this brings it back.\n\nExamples:\n  leanos reindex\n  leanos reindex --check --json",
    )
    .action(async (options: { check?: boolean }, command: Command) => {
      const { reindex, formatReindex, disagreements } = await import("../runtime/reindex.js");
      let found = 0;
      await withRuntime(
        command,
        async (runtime) => {
          const report = await reindex(runtime, { check: options.check === true });
          found = disagreements(report);
          return report;
        },
        formatReindex,
      );
      if (options.check && found > 0) process.exitCode = 1;
    });

  program
    .command("migrate-store")
    .description("copy this workspace's checkpoints, thread index and claims to another store (SQLite to PostgreSQL, or back)")
    .requiredOption("--to <store>", 'a postgres:// URL, or "sqlite" for .leanos/checkpoints.sqlite')
    .option("--workspace-id <id>", "the workspace's id in PostgreSQL (default: LEANOS_WORKSPACE_ID or workspace_id in .leanos/config.yaml)")
    .addHelpText(
      "after",
      "\nThe source is the store this workspace uses now, and is left as it was. Stop schedules and workers\nfirst: the pass lease and each thread's lease are held while it copies, and a thread busy elsewhere\nstops it. Run it again to finish a migration cut short. Then point every process at the new store.\n\nExamples:\n  leanos migrate-store --to postgres://leanos@db.internal/leanos --workspace-id glamyouup\n  LEANOS_DATABASE_URL=postgres://... LEANOS_WORKSPACE_ID=glamyouup leanos migrate-store --to sqlite",
    )
    .action(async (options: { to: string; workspaceId?: string }, command: Command) => {
      const [{ migrateStore, formatMigration, switchAdvice }, { openStore, storeChoiceOf, sameStore, targetChoiceOf }] = await Promise.all([import("../runtime/migrateStore.js"), import("../store/open.js")]);
      await withRuntime(
        command,
        async (runtime) => {
          const choice = targetChoiceOf(options.to, options.workspaceId, runtime.workspace);
          if (sameStore(choice, storeChoiceOf(runtime.workspace))) throw new UsageError(`this workspace already uses ${runtime.store.where}; --to names where it should go`);
          const target = await openStore(runtime.workspace, choice);
          try {
            const report = await migrateStore(runtime, target, { log: (line) => process.stderr.write(`  ${line}\n`) });
            return { ...report, next: switchAdvice(choice) };
          } finally {
            await target.close();
          }
        },
        (report) => `${formatMigration(report)}\n${report.next}`,
      );
    });

  program
    .command("schedule")
    .description("run passes on a cron schedule in the foreground until SIGINT or SIGTERM")
    .requiredOption("--cron <expr>", 'cron expression (5 fields, or 6 with seconds), e.g. "0 8 * * *"')
    .option("--timezone <tz>", "time zone of the expression (default: the machine's)")
    .addHelpText("after", '\nExample:\n  leanos schedule --cron "0 8 * * *"     # a pass every morning at 8:00')
    .action(async (options: { cron: string; timezone?: string }, command: Command) => {
      const { runSchedule } = await import("../ops/schedule.js");
      const global = command.optsWithGlobals() as GlobalOptions;
      // Checked here, before the schedule starts waiting; the workspace is opened once up front too.
      const clock = clockFrom(global.now);
      await runSchedule({
        cron: options.cron,
        ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
        json: jsonWanted(command),
        open: async () => {
          await checkDataFilesOf(global.workspace);
          const { Runtime } = await import("../runtime/engine.js");
          return Runtime.open({ ...(global.workspace ? { workspace: global.workspace } : {}), ...(clock ? { now: clock } : {}) });
        },
      });
    });

  program
    .command("demo")
    .description("copy the sample workspace to a temp folder and run an event through it")
    .addHelpText("after", "\nExample:\n  leanos demo")
    .action(async (_options: unknown, command: Command) => {
      const { runDemo } = await import("./demo.js");
      await runDemo({ json: jsonWanted(command) });
    });

  return program;
}

/** Runs the CLI; returns the exit code (0 done, 1 runtime failure, 2 bad input or usage). */
export async function main(argv: string[]): Promise<number> {
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
