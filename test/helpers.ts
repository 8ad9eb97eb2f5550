import { appendFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";

export const repoRoot = resolve(import.meta.dirname, "..");
export const sampleWorkspace = join(repoRoot, "examples", "workspace");
export const cliPath = join(repoRoot, "bin", "leanos.js");
/** The test build of the CLI, the only one with kill points and faults (src/files/crashPoints.ts). */
export const testBuildCliPath = join(repoRoot, "test", "bin", "leanos-test-build.mjs");

/** The CLI a run with these variables needs: the test build when it asks for a kill point or a fault. */
export const cliFor = (env: Record<string, string> = {}): string =>
  ["LEANOS_KILL_AT", "LEANOS_STEP_LOG", "LEANOS_FAULT"].some((name) => env[name] !== undefined)
    ? testBuildCliPath
    : cliPath;

const created: string[] = [];

/** Removes the folders tempDir made; test/setup.ts calls it after each test file. */
export async function removeTempDirs(): Promise<void> {
  const dirs = created.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function tempDir(prefix = "leanos-test-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * A fresh copy of the sample workspace (no threads, no runtime state). Its decisions under the
 * impact threshold act alone (autonomy: threshold, LeanOS's rule), as the specifications written for
 * that rule expect; `{ autonomy: "earned" }` keeps the workspace's own setting (the default, earned).
 */
export async function sampleCopy(options: { autonomy?: "threshold" | "earned" } = {}): Promise<string> {
  const dir = await tempDir("leanos-ws-");
  await cp(sampleWorkspace, dir, {
    recursive: true,
    filter: (path) => !/[\\/](threads|[^\\/]*\.sqlite[^\\/]*|audit\.jsonl)$/.test(path.slice(sampleWorkspace.length)),
  });
  if ((options.autonomy ?? "threshold") === "threshold")
    await appendFile(join(dir, ".leanos", "config.yaml"), "autonomy: threshold\n");
  return dir;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, offline, with no API key in its environment. */
export async function runCli(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const result = await execa(process.execPath, [cliFor(options.env), ...args], {
    reject: false,
    input: options.input ?? "",
    env: { ANTHROPIC_API_KEY: "", LEANOS_WORKSPACE: "", NO_COLOR: "1", ...options.env },
    extendEnv: true,
  });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export function eventFile(name: string): string {
  return join(sampleWorkspace, "events", name);
}

/** Runs `leanos pass` as if it were `now` (ISO date or time). */
export async function passAt(workspace: string, now: string): Promise<CliResult> {
  const result = await runCli(["--workspace", workspace, "--json", "--now", now, "pass"]);
  if (result.exitCode !== 0) throw new Error(`leanos pass --now ${now} failed: ${result.stderr}`);
  return result;
}

/** The date `days` after `date` (YYYY-MM-DD). */
export function daysAfter(date: string, days: number): string {
  const next = new Date(`${date}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/**
 * A workspace state made once per test file, by `make`, and given to each test as a copy of its own:
 * every test starts from the same state without making it again.
 */
export function prepared(make: () => Promise<string>): () => Promise<string> {
  let made: Promise<string> | undefined;
  return async () => {
    made ??= make();
    const copy = await tempDir("leanos-ws-");
    await cp(await made, copy, { recursive: true, verbatimSymlinks: true });
    return copy;
  };
}

/**
 * Copies of the sample with the closed deal waiting at its decision, started by the CLI: called at
 * a test file's top, it makes the workspace once for that file (the temporary folders of a file go
 * with it, so files sharing a process each make their own).
 */
export const closedDealCopies = (): (() => Promise<string>) =>
  prepared(async () => {
    const workspace = await sampleCopy();
    const event = join(workspace, "events", "01-elsaai-deal-closed.md");
    const started = await runCli(["--workspace", workspace, "--quiet", "event", "--file", event]);
    if (started.exitCode !== 0) throw new Error(`the closed deal did not start: ${started.stderr}`);
    return workspace;
  });
