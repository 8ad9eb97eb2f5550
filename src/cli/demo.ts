import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pc from "picocolors";
import { toolPath } from "../files/toolRoot.js";
import { Runtime } from "../runtime/engine.js";
import { progressPrinter } from "./progress.js";
import { readEvent } from "../stages/readEvent.js";

const SAMPLE_EVENT = join("events", "01-elsaai-deal-closed.md");

/** Copies the sample workspace (without runtime state or threads) into a new temp folder. */
export async function copySampleWorkspace(): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), "leanos-demo-"));
  const source = toolPath("examples", "workspace");
  await cp(source, target, {
    recursive: true,
    filter: (path) =>
      !/[\\/](threads|\.leanos[\\/].*\.sqlite.*|\.leanos[\\/]audit\.jsonl)$/.test(path.slice(source.length)),
  });
  return target;
}

const say = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

type Pending = Array<{ question: string; draft?: string; diff?: string }>;
type Thread = { state: string; pending: Pending; next_due?: string | null };
type Result = { thread: string; state: string; pending: Pending };

/**
 * The demo: the closed-deal event runs through the six stages in this process; each question is
 * looked at with `leanos pending` and approved by a separate `leanos approve` process, which resumes
 * the thread from its checkpoint.
 */
export async function runDemo(options: { json: boolean }): Promise<void> {
  const started = Date.now();
  const workspace = await copySampleWorkspace();
  say(pc.bold(`leanos demo: the sample workspace copied to ${workspace}`));
  const { git, isRepo } = gitRepository(workspace);
  say(`Event: ${SAMPLE_EVENT}, drafted by the offline provider\n`);
  const first = await startSampleThread(workspace);
  const { result, approvals, passes } = approveToTheEnd(workspace, first);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lastCommit = isRepo ? git("log", "-1", "--format=%h %s").stdout.trim() : "";
  const summary = {
    workspace,
    thread: result.thread,
    state: result.state,
    approvals,
    passes,
    folder: join(workspace, "threads", ...result.thread.split("/")),
    canvas_commit: lastCommit,
    seconds: Number(seconds),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    [
      "",
      pc.bold(
        `Thread ${result.thread}: ${result.state} after ${approvals.length} approval(s) and ${passes.length} pass(es), in ${seconds}s`,
      ),
      `Workspace:   ${workspace} (kept, so you can look around; remove it with rm -rf when done)`,
      `Files:       ${summary.folder}`,
      ...(lastCommit ? [`Canvas:      git commit ${lastCommit}`] : []),
      `Morning page: node ${toolPath("bin", "leanos.js")} --workspace ${workspace} today`,
      `Look at it:  node ${toolPath("bin", "leanos.js")} --workspace ${workspace} status ${result.thread}`,
      `In a browser: node ${toolPath("bin", "leanos.js")} --workspace ${workspace} serve   (the inbox, the threads and the canvas charts)`,
      "",
    ].join("\n"),
  );
}

/** Makes the workspace a git repository, so the approved canvas change shows up as a commit. */
function gitRepository(workspace: string): {
  git: (...args: string[]) => SpawnSyncReturns<string>;
  isRepo: boolean;
} {
  const git = (...args: string[]) =>
    spawnSync("git", ["-C", workspace, "-c", "user.name=leanos demo", "-c", "user.email=demo@localhost", ...args], {
      encoding: "utf8",
    });
  const isRepo =
    git("init", "--quiet").status === 0 &&
    git("add", "-A").status === 0 &&
    git("commit", "--quiet", "-m", "the sample workspace").status === 0;
  return { git, isRepo };
}

/** The sample event, started in this process with the offline provider, up to its first question. */
async function startSampleThread(workspace: string): Promise<Result> {
  const runtime = await Runtime.open({
    workspace,
    provider: "offline",
    onProgress: progressPrinter(() => runtime.workspace),
  });
  try {
    const event = await readEvent({
      file: join(workspace, SAMPLE_EVENT),
      today: new Date().toISOString().slice(0, 10),
    });
    return await runtime.startEvent(event);
  } finally {
    await runtime.close();
  }
}

/**
 * Approvals come from new processes, each resuming the thread from its checkpoint; when the thread
 * is scheduled (the campaign is measured on day 7 and day 30), a pass with a clock set to that day runs it.
 */
function approveToTheEnd(workspace: string, first: Result): { result: Result; approvals: string[]; passes: string[] } {
  let result = first;
  const approvals: string[] = [];
  const passes: string[] = [];
  const leanos = leanosIn(workspace);
  while (result.state === "waiting" || result.state === "scheduled") {
    if (result.state === "scheduled") {
      const status = leanos("status", result.thread);
      const due = `${status.next_due}T08:00:00Z`;
      say(`\n${pc.yellow("Scheduled:")} the next step is due ${status.next_due}`);
      say(pc.dim(`$ leanos pass --now ${due}   (what cron or leanos schedule would run that morning)`));
      leanos("--now", due, "pass");
      passes.push(due);
      const after = leanos("status", result.thread);
      result = { ...result, state: after.state, pending: after.pending };
      continue;
    }
    // As a person would: look at what waits (which records it as seen), then approve that question.
    say(pc.dim(`\n$ leanos pending ${result.thread}`));
    const item = leanos<Pending>("pending", result.thread)[0]!;
    say(`${pc.yellow("Waiting:")} ${item.question}\n  draft: ${item.draft}`);
    if (item.diff) say(pc.dim(item.diff.trimEnd()));
    say(pc.dim(`$ leanos approve ${result.thread}   (a new process resumes the thread from its checkpoint)`));
    const last = passes.at(-1);
    const answered = leanos(...(last ? ["--now", last] : []), "approve", result.thread);
    approvals.push(item.question);
    result = { ...result, state: answered.state, pending: answered.pending };
  }
  return { result, approvals, passes };
}

/** The leanos command in a process of its own on the workspace, its --json answer parsed. */
function leanosIn(workspace: string): <T = Thread>(...args: string[]) => T {
  return <T = Thread>(...args: string[]): T => {
    const child = spawnSync(
      process.execPath,
      [toolPath("bin", "leanos.js"), "--workspace", workspace, "--json", ...args],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, LEANOS_USER: "demo" },
      },
    );
    if (child.status !== 0) throw new Error(`leanos ${args.join(" ")} exited with ${child.status}`);
    return JSON.parse(child.stdout) as T;
  };
}
