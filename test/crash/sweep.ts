import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import Database from "better-sqlite3";
import { execa } from "execa";
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import { cliFor, eventFile, sampleCopy } from "../helpers.js";

// The kill-point sweep: the sample flow (an event, its approvals, the passes that measure the
// campaign, the canvas approval) is run once without a crash, recording every durable step of every
// command. Then, for each chosen kill point, the flow is run again from the state before that
// command, the command is killed with SIGKILL right after that step, the recovery a person would do
// is run, and the flow is finished. The end state must be the uncrashed run's.

const START = "2026-11-18T09:00:00Z";
const EVENT = eventFile("01-elsaai-deal-closed.md");
/** The thread of the flow: the event's, and, in the correction flow, where its corrected type moves it. */
const THREADS = ["sales/elsaai-deal-closed", "business/elsaai-deal-closed"];
/** The correction the correction flow makes while the decision waits: a new type, so the thread moves. */
const CORRECTION = ['{"type":"business"}', "--reason", "a partnership, not a sale"];

/**
 * The sample flow, or the same flow with a correction of the thread's type made while its decision
 * waits (the thread's folder, meta.json, index row and checkpoint move to business/).
 */
export type Flow = "sample" | "correct";

export interface FlowCommand {
  args: string[];
  /** What the command is for, in the report. */
  label: string;
}

interface CliRun {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

async function leanos(workspace: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const result = await execa(process.execPath, [cliFor(env), "--workspace", workspace, "--json", "--quiet", ...args], {
    reject: false,
    input: "",
    env: { ANTHROPIC_API_KEY: "", LEANOS_WORKSPACE: "", NO_COLOR: "1", LEANOS_USER: "sweep", ...env },
    extendEnv: true,
  });
  return {
    exitCode: result.exitCode,
    signal: result.signal ?? undefined,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}

function expectOk(run: CliRun, args: string[]): CliRun {
  if (run.exitCode !== 0)
    throw new Error(`leanos ${args.join(" ")} exited ${run.exitCode ?? run.signal}: ${run.stderr}`);
  return run;
}

interface ThreadView {
  /** Where its folder is. */
  name: string;
  state: string;
  next_due?: string | null;
  pending?: Array<{ node: string; action_id?: string }>;
  corrections?: unknown[];
}

async function threadMeta(workspace: string): Promise<ThreadView | undefined> {
  for (const name of THREADS) {
    const text = await readFile(join(workspace, "threads", ...name.split("/"), "meta.json"), "utf8").catch(
      () => undefined,
    );
    if (text !== undefined) return { ...(JSON.parse(text) as Omit<ThreadView, "name">), name };
  }
  return undefined;
}

/**
 * The next command of the flow, read from the thread as it is (its meta.json, made true by the
 * command before): the event while there is no thread, a pass on the due morning while it is
 * scheduled, while it waits a look at what waits (`pending`, which records the question as seen)
 * and then its approval; none when it is done.
 */
async function nextCommand(
  workspace: string,
  clock: { now: string },
  last: FlowCommand | undefined,
  flow: Flow,
): Promise<FlowCommand | undefined> {
  const view = await threadMeta(workspace);
  if (!view) return { args: ["--now", clock.now, "event", "--file", EVENT], label: "event" };
  if (view.state === "scheduled" && view.next_due) {
    clock.now = `${view.next_due}T08:00:00Z`;
    return { args: ["--now", clock.now, "pass"], label: `pass ${view.next_due}` };
  }
  if (
    flow === "correct" &&
    view.state === "waiting" &&
    view.pending?.[0]?.node === "gate_decision" &&
    (view.corrections ?? []).length === 0
  ) {
    return { args: ["--now", clock.now, "correct", view.name, "--edit", ...CORRECTION], label: "correct" };
  }
  if (view.state === "waiting" && last?.label !== "pending")
    return { args: ["--now", clock.now, "pending"], label: "pending" };
  if (view.state === "waiting") return { args: ["--now", clock.now, "approve", view.name], label: "approve" };
  if (view.state === "running" || view.state === "failed")
    throw new Error(`the thread is ${view.state} in the middle of the flow`);
  return undefined;
}

export async function gitWorkspace(): Promise<string> {
  const workspace = await sampleCopy();
  const git = (...args: string[]) =>
    spawnSync("git", ["-C", workspace, "-c", "user.name=sweep", "-c", "user.email=sweep@localhost", ...args], {
      encoding: "utf8",
    });
  for (const args of [
    ["init", "--quiet"],
    ["add", "-A"],
    ["commit", "--quiet", "-m", "sample workspace"],
  ]) {
    const done = git(...args);
    if (done.status !== 0) throw new Error(`git ${args.join(" ")}: ${done.stderr}`);
  }
  return workspace;
}

export interface ReferenceRun {
  /** The workspace before each command, kept so a crash run can start there. */
  before: string[];
  commands: FlowCommand[];
  clocks: string[];
  /** How many durable steps each command took. */
  steps: number[];
  end: string;
}

async function copyOf(workspace: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), "leanos-crash-"));
  await cp(workspace, copy, { recursive: true });
  return copy;
}

/** Runs the flow to its end without a crash, keeping a copy of the workspace before each command. */
export async function referenceRun(flow: Flow = "sample"): Promise<ReferenceRun> {
  const workspace = await gitWorkspace();
  const clock = { now: START };
  const run: ReferenceRun = { before: [], commands: [], clocks: [], steps: [], end: workspace };
  for (let guard = 0; guard < 30; guard += 1) {
    const clockBefore = clock.now;
    const command = await nextCommand(workspace, clock, run.commands.at(-1), flow);
    if (!command) return run;
    run.before.push(await copyOf(workspace));
    run.clocks.push(clockBefore);
    const log = join(await mkdtemp(join(tmpdir(), "leanos-steps-")), "steps.log");
    expectOk(await leanos(workspace, command.args, { LEANOS_STEP_LOG: log }), command.args);
    run.commands.push(command);
    run.steps.push((await readFile(log, "utf8").catch(() => "")).split("\n").filter((line) => line.length > 0).length);
  }
  throw new Error("the flow did not end within 30 commands");
}

export interface KillPoint {
  command: number;
  step: number;
}

/** `count` kill points spread evenly over every step of the flow (all of them when count >= the steps). */
export function spreadKillPoints(steps: readonly number[], count: number): KillPoint[] {
  const all: KillPoint[] = steps.flatMap((total, command) =>
    Array.from({ length: total }, (_, index) => ({ command, step: index + 1 })),
  );
  if (count >= all.length) return all;
  return Array.from({ length: count }, (_, index) => all[Math.floor(((index + 0.5) * all.length) / count)]!);
}

export interface CrashOutcome {
  point: KillPoint;
  label: string;
  killed: boolean;
  recovery: string[];
  workspace: string;
}

const sameQuestion = (a: ThreadView | undefined, b: ThreadView | undefined): boolean =>
  a?.state === "waiting" &&
  b?.state === "waiting" &&
  a.pending?.[0]?.node === b.pending?.[0]?.node &&
  a.pending?.[0]?.action_id === b.pending?.[0]?.action_id;

/**
 * Runs the flow from before the point's command, kills it there, recovers as a person would
 * (`status` shows what is there, `resume` finishes what was cut short, and the killed command is
 * given again if what it was for did not happen, an approval after a look at what waits), then
 * gives the rest of the flow's commands.
 */
export async function crashRun(reference: ReferenceRun, point: KillPoint): Promise<CrashOutcome> {
  const workspace = await copyOf(reference.before[point.command]!);
  const command = reference.commands[point.command]!;
  const asked = await threadMeta(workspace);
  const killed = await leanos(workspace, command.args, { LEANOS_KILL_AT: String(point.step) });
  if (killed.signal !== "SIGKILL")
    throw new Error(
      `leanos ${command.args.join(" ")} was not killed at step ${point.step}: exit ${killed.exitCode}, ${killed.stderr}`,
    );
  const now = reference.clocks[point.command]!;
  const recovery: string[] = ["status"];
  expectOk(await leanos(workspace, ["--now", now, "status"]), ["status"]);
  const found = await threadMeta(workspace);
  if (found) {
    // Named as its folder is named now: a correction cut short may have moved it already.
    expectOk(await leanos(workspace, ["--now", now, "resume", found.name]), ["resume", found.name]);
    recovery.push("resume");
  }
  const after = await threadMeta(workspace);
  const undone =
    command.label === "event"
      ? after === undefined
      : command.label === "approve"
        ? sameQuestion(asked, after)
        : command.label === "correct"
          ? (after?.corrections ?? []).length === 0
          : true;
  if (undone) {
    // A person gives the approval again once they have looked at what waits.
    if (command.label === "approve") {
      expectOk(await leanos(workspace, ["--now", now, "pending"]), ["pending"]);
      recovery.push("pending");
    }
    expectOk(await leanos(workspace, command.args), command.args);
    recovery.push(`${command.label} again`);
  }
  for (const next of reference.commands.slice(point.command + 1)) {
    expectOk(await leanos(workspace, next.args), next.args);
    recovery.push(next.label);
  }
  return { point, label: command.label, killed: true, recovery, workspace };
}

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === ".git") continue;
    if (entry.isDirectory()) found.push(...(await filesUnder(root, path)));
    else found.push(relative(root, path));
  }
  return found.sort();
}

const hash = (text: Buffer | string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

/**
 * What must be the same after any crash and recovery: thread folders, outbox payloads, canvas and
 * artifacts, byte for byte; the canvas commits, by message. A commit id depends on the wall clock, so
 * each is read as its place in the history.
 */
export async function endState(workspace: string): Promise<Record<string, string>> {
  const commits = spawnSync("git", ["-C", workspace, "log", "--format=%H %s"], { encoding: "utf8" })
    .stdout.trim()
    .split("\n");
  const places = new Map(commits.map((line, index) => [line.slice(0, 40), `commit-${commits.length - index}`]));
  const state: Record<string, string> = { "git log": commits.map((line) => line.slice(41)).join(" | ") };
  for (const file of await filesUnder(workspace)) {
    if (!/^(threads|artifacts|strategy)\//.test(file)) continue;
    const text = (await readFile(join(workspace, file), "utf8"))
      .replace(/\b[0-9a-f]{40}\b/g, (id) => places.get(id) ?? id)
      // How long model calls took is measured, not decided: it differs between any two runs. And a
      // kill between a stage's write and the checkpoint that keeps its answer makes the call again,
      // which the thread's usage rightly counts.
      .replace(/"(latency_ms|calls)": \d+/g, '"$1": -')
      // A thread's LangGraph id is random; that a recovery keeps it shows in everything else.
      .replace(/"id": "[0-9a-f-]{36}"/g, '"id": -');
    state[file] = hash(text);
  }
  return state;
}

/** Every file leanos wrote parses (front matter included); no temp files or held leases are left. */
export async function leftovers(workspace: string): Promise<string[]> {
  const problems: string[] = [];
  for (const file of await filesUnder(workspace)) {
    const text = await readFile(join(workspace, file), "utf8");
    try {
      if (file.endsWith(".json")) JSON.parse(text);
      else if (file.endsWith(".jsonl"))
        for (const line of text.split("\n").filter((entry) => entry.length > 0)) JSON.parse(line);
      else if (/\.ya?ml$/.test(file)) parseYaml(text);
      else if (file.endsWith(".md")) matter(text, {});
    } catch (error) {
      problems.push(`${file} does not parse: ${(error as Error).message.split("\n")[0]}`);
    }
    if (/leanos-tmp|^\.leanos\/tmp\//.test(file) || /(^|\/)\.lock$/.test(file)) problems.push(`${file} is left over`);
  }
  const tmp = join(workspace, ".leanos", "tmp");
  if ((await stat(tmp).catch(() => undefined)) && (await readdir(tmp)).length > 0)
    problems.push(`.leanos/tmp holds ${(await readdir(tmp)).join(", ")}`);
  const db = new Database(join(workspace, ".leanos", "checkpoints.sqlite"), { readonly: true });
  try {
    const held = db.prepare("SELECT name FROM sqlite_master WHERE name = 'leanos_locks'").get()
      ? (db.prepare("SELECT name, pid FROM leanos_locks").all() as Array<{ name: string; pid: number }>)
      : [];
    for (const lease of held) problems.push(`lease ${lease.name} still held by pid ${lease.pid}`);
  } finally {
    db.close();
  }
  // The thread index agrees with every meta.json once the flow is through (reindex reads without writing).
  const index = await leanos(workspace, ["reindex", "--check"]);
  if (index.exitCode !== 0)
    problems.push(`the thread index disagrees with the thread folders: ${index.stdout.trim()} ${index.stderr.trim()}`);
  return problems;
}

export async function removeRun(reference: ReferenceRun): Promise<void> {
  await Promise.all([...reference.before, reference.end].map((dir) => rm(dir, { recursive: true, force: true })));
}
