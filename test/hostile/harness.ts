import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, lstat, mkdir, readdir, readFile, readlink, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { cliPath, daysAfter, eventFile, runCli, sampleCopy, tempDir } from "../helpers.js";

// The hostile-input suite's machinery: prepared workspaces copied per case, the real CLI spawned
// offline, and the checks every case gets. A refused command must exit with the code of the contract,
// say why in words, print no stack trace, leave the workspace byte for byte as it was, and write
// nothing outside it.

/** The workspace a case starts from; each is prepared once per test file and copied for every case. */
export type BaseName =
  /** The sample workspace, no threads yet. */
  | "sample"
  /** The sample with sales/elsaai-deal-closed waiting at its decision gate (events/01 run). */
  | "waiting"
  /** That thread's decision approved: it waits to publish the case study (an action gate). */
  | "action"
  /** That thread approved through publish and promote: scheduled, its day-7 measurement due a week on. */
  | "scheduled"
  /** That thread measured on day 7 and day 30: it waits at its canvas gate (ARR and A4 change). */
  | "canvas"
  /** That canvas change approved: the thread is complete. */
  | "done"
  /** No workspace at all: an empty folder (for init and for commands pointed at nothing). */
  | "empty";

/** Where a case runs. Everything but `workspace` is outside it, and hashed as the sentinel. */
export interface CasePaths {
  /** The workspace the command is pointed at. */
  workspace: string;
  /** A sentinel folder outside the workspace, with files in it; setups may aim links or writes at it. */
  outside: string;
  /**
   * The parse cache (src/files/parseCache.ts), the one place leanos writes beyond a workspace by
   * design: only files named by a hash, which the runner checks apart from the sentinel.
   */
  cache: string;
  /** A folder outside the workspace for a case's own inputs (event files...). */
  inputs: string;
  /** The child's working directory (inside the sentinel area, so a stray relative write is seen). */
  cwd: string;
}

export interface CliOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Bytes the child took from stdin (a streamed input stops being written when the child stops reading). */
  stdinBytes: number;
  timedOut: boolean;
}

export interface HostileCase {
  /** What is tried, as a sentence: the test's name. */
  name: string;
  base: BaseName;
  /** Changes the case makes before the command runs (a bad file in the workspace, an input outside it). */
  setup?: (paths: CasePaths) => Promise<void>;
  /** The CLI's arguments. */
  args: (paths: CasePaths) => string[];
  /** What the command reads on stdin: text, or a stream (made per run, so it can be endless). */
  stdin?: string | (() => Readable);
  env?: Record<string, string>;
  /** Folders (relative to the workspace, "." for all of it) mounted read-only for the command. */
  readOnly?: string[];
  exit: 0 | 1 | 2;
  /** Words stderr must hold: the reason, the file, the argument at fault. */
  words: Array<string | RegExp>;
  /**
   * Whether the workspace must be left exactly as it was (default: yes, for every refused command).
   * A case that succeeds says what it changed through `check` instead.
   */
  unchanged?: boolean;
  /** More checks once the command ran (the bytes init wrote, how much of stdin was read...). */
  check?: (paths: CasePaths, outcome: CliOutcome) => Promise<void> | void;
  /** Ends the command if it runs longer (a schedule that starts waiting instead of refusing). */
  timeoutMs?: number;
}

/**
 * What a refused command may still touch in the workspace: SQLite's own side files, which it makes
 * and removes around any open of the database. The database itself is compared byte for byte.
 */
export const MAY_TOUCH = new Set([".leanos/checkpoints.sqlite-wal", ".leanos/checkpoints.sqlite-shm"]);

/** Every entry under `dir` (files with their mode and content hash, folders, links and their target). */
export async function snapshot(dir: string, ignore: ReadonlySet<string> = new Set()): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (path: string): Promise<void> => {
    for (const name of (await readdir(path)).sort()) {
      const full = join(path, name);
      const rel = relative(dir, full);
      if (ignore.has(rel)) continue;
      const stat = await lstat(full);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) entries.set(rel, `link -> ${await readlink(full)}`);
      else if (stat.isDirectory()) {
        entries.set(rel, `folder ${mode}`);
        await walk(full);
      } else
        entries.set(
          rel,
          `file ${mode} ${createHash("sha256")
            .update(await readFile(full))
            .digest("hex")}`,
        );
    }
  };
  await walk(dir);
  return entries;
}

/** The differences between two snapshots, one line each (empty when they are the same). */
export function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [path, entry] of after) {
    const earlier = before.get(path);
    if (earlier === undefined) lines.push(`added ${path} (${entry.split(" ")[0]})`);
    else if (earlier !== entry) lines.push(`changed ${path}`);
  }
  for (const path of before.keys()) if (!after.has(path)) lines.push(`removed ${path}`);
  return lines;
}

async function prepare(name: BaseName): Promise<string> {
  if (name === "empty") return tempDir("leanos-base-");
  const workspace = await sampleCopy();
  if (name === "sample") return workspace;
  const cli = async (args: string[]): Promise<void> => {
    const result = await runCli(["--workspace", workspace, "--quiet", ...args]);
    if (result.exitCode !== 0)
      throw new Error(`preparing the ${name} workspace: leanos ${args.join(" ")} failed: ${result.stderr}`);
  };
  await cli(["event", "--file", eventFile("01-elsaai-deal-closed.md")]);
  // The decision, then publishing, then promoting: the thread waits for its day-7 measurement. Each
  // question is looked at (`pending` records it as shown) before it is approved, as a person does.
  const approvals = name === "action" ? 1 : name === "scheduled" || name === "canvas" || name === "done" ? 3 : 0;
  for (let step = 0; step < approvals; step += 1) {
    await cli(["pending"]);
    await cli(["approve", "sales/elsaai-deal-closed"]);
  }
  if (name === "canvas" || name === "done") {
    // The measurements run on day 7 and day 30 after the actions started (today); then the thread learns.
    const today = new Date().toISOString().slice(0, 10);
    for (const day of [7, 30]) await cli(["--now", `${daysAfter(today, day)}T08:00:00Z`, "pass"]);
  }
  if (name === "done") {
    await cli(["pending"]);
    await cli(["approve", "sales/elsaai-deal-closed"]);
  }
  // What waits has been seen, so a case's answer gets as far as its hostile input.
  await cli(["pending"]);
  return workspace;
}

const bases = new Map<BaseName, Promise<string>>();

/** Forgets the prepared workspaces, whose folders go with the test file that made them (test/setup.ts). */
export function forgetBases(): void {
  bases.clear();
}

/** A prepared workspace of this kind, made once per test file. */
export function base(name: BaseName): Promise<string> {
  let made = bases.get(name);
  if (!made) {
    made = prepare(name);
    bases.set(name, made);
  }
  return made;
}

/** A case's folders: a copy of its base as the workspace, and the sentinel area around it. */
export async function caseFolders(name: BaseName): Promise<{ root: string; paths: CasePaths }> {
  const root = await tempDir("leanos-hostile-");
  const paths: CasePaths = {
    workspace: join(root, "workspace"),
    outside: join(root, "outside"),
    inputs: join(root, "inputs"),
    cwd: join(root, "outside", "cwd"),
    cache: join(root, "cache"),
  };
  await cp(await base(name), paths.workspace, { recursive: true, verbatimSymlinks: true });
  await mkdir(paths.cwd, { recursive: true });
  await mkdir(paths.inputs, { recursive: true });
  // The sentinel holds files a command must never touch, and HOME and TMPDIR point into it.
  await writeFile(join(paths.outside, "precious.md"), "# Not leanos's to write\n");
  await mkdir(join(paths.outside, "home"), { recursive: true });
  await mkdir(join(paths.outside, "tmp"), { recursive: true });
  return { root, paths };
}

/** Wraps a command so it runs with these folders mounted read-only, in a mount namespace of its own. */
function readOnlyWrapper(folders: string[], command: string[]): string[] {
  const script =
    'while [ "$1" != "--" ]; do mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" || exit 97; shift; done; shift; exec "$@"';
  return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", ...folders, "--", ...command];
}

let readOnlyMounts: boolean | undefined;

/** Whether this machine lets a test mount a folder read-only (root and a mount namespace are needed). */
export async function canMountReadOnly(): Promise<boolean> {
  if (readOnlyMounts === undefined) {
    const dir = await tempDir("leanos-ro-probe-");
    // Mounted, and really refusing a write (root ignores permissions, not a read-only mount).
    const [command, ...args] = readOnlyWrapper(
      [dir],
      ["sh", "-c", 'touch "$0/probe" 2>/dev/null && exit 1 || exit 0', dir],
    );
    readOnlyMounts = spawnSync(command!, args, { stdio: "ignore" }).status === 0;
  }
  return readOnlyMounts;
}

/** Runs the real CLI as runCli does (offline, no API key), with HOME, TMPDIR and cwd in the sentinel. */
export function runHostile(paths: CasePaths, item: HostileCase): Promise<CliOutcome> {
  const command = [process.execPath, cliPath, ...item.args(paths)];
  const argv = item.readOnly
    ? readOnlyWrapper(
        item.readOnly.map((folder) => join(paths.workspace, folder)),
        command,
      )
    : command;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: paths.cwd,
    env: {
      ...process.env,
      ANTHROPIC_API_KEY: "",
      LEANOS_WORKSPACE: "",
      LEANOS_DEBUG: "",
      NO_COLOR: "1",
      HOME: join(paths.outside, "home"),
      TMPDIR: join(paths.outside, "tmp"),
      LEANOS_CACHE_DIR: paths.cache,
      ...item.env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let stdinBytes = 0;
  let timedOut = false;
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // A child that stops reading closes the pipe: the writer gets EPIPE, which is expected here.
  child.stdin.on("error", () => undefined);
  if (typeof item.stdin === "function") {
    // Counted as the pipe takes it (backpressure holds the rest back): what the child let in.
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        stdinBytes += chunk.length;
        done(null, chunk);
      },
    });
    pipeline(item.stdin(), counter, child.stdin).catch(() => undefined);
  } else {
    child.stdin.end(item.stdin ?? "");
  }
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, item.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, stderr, stdinBytes, timedOut });
    });
  });
}
