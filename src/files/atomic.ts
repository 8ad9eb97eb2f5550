import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { appendFile, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import { UsageError } from "../errors.js";
import { containedPath, realLocation } from "./contained.js";
import { durableStep } from "./crashPoints.js";
import { processAlive } from "./process.js";

// Every write leanos makes in a workspace goes through here: the path is checked to stay inside the
// workspace, and the content lands through a temp file in .leanos/tmp/ and a rename, so a crash never
// leaves a half-written file. Temp files name their process, so the next command removes those of a
// dead one.

export const TMP_DIR = join(".leanos", "tmp");
const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, "_");
let counter = 0;

/**
 * The places a piece of work may write to, relative to the workspace: a graph node may write its own
 * thread's folder, the canvas and artifacts/, never settings, .git/ or another thread. Every write
 * made while a scope is set is checked against it where the file really lands (symlinks resolved,
 * the scope's places too), and the most specific place that holds it decides: `.leanos/tmp/` may be
 * allowed inside a forbidden `.leanos/`, and a place that leads into a forbidden one is forbidden.
 */
export interface WriteScope {
  /** Who is writing, for the refusal. */
  writer: string;
  /** Folders (ending in "/") and files that may be written. */
  allowed: readonly string[];
  /** Folders and files that may never be, whatever leads there. */
  forbidden: readonly string[];
}

const scopes = new AsyncLocalStorage<WriteScope>();

/** Runs `work` with every write it makes held to `scope`. */
export function withinWriteScope<T>(scope: WriteScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

const slashed = (path: string): string => path.split(sep).join("/");

/** Where a scope's place really is: a folder with its trailing "/", or a file. */
function realPlace(root: string, place: string): string {
  if (!place.endsWith("/")) return slashed(realLocation(root, place));
  return `${slashed(dirname(realLocation(root, join(place, "x"))))}/`;
}

/** Refuses a write the current scope (if any) does not allow. */
function checkWriteScope(root: string, target: string): void {
  const scope = scopes.getStore();
  if (!scope) return;
  const landing = slashed(realLocation(root, target));
  const holds = (place: string): boolean => (place.endsWith("/") ? landing.startsWith(place) : landing === place);
  let decided: { length: number; allowed: boolean } = { length: -1, allowed: false };
  for (const [places, allowed] of [
    [scope.allowed, true],
    [scope.forbidden, false],
  ] as const) {
    for (const place of places.map((entry) => realPlace(root, entry))) {
      // The most specific place wins; between two equally specific, the forbidding one.
      if (holds(place) && (place.length > decided.length || (place.length === decided.length && !allowed)))
        decided = { length: place.length, allowed };
    }
  }
  if (!decided.allowed)
    throw new UsageError(
      `${scope.writer} may not write ${landing}: it writes only ${scope.allowed.join(", ")}; nothing was written`,
    );
}

/** A fresh temp path in the workspace's .leanos/tmp/, named after this process. */
export async function tempPath(root: string, label: string): Promise<string> {
  const dir = containedPath(root, TMP_DIR);
  await mkdir(dir, { recursive: true });
  counter += 1;
  return join(dir, `${HOST}~${process.pid}~${counter}~${randomBytes(3).toString("hex")}~${basename(label)}`);
}

/** Makes a folder (and its parents) inside the workspace. */
export async function makeDir(root: string, dir: string): Promise<string> {
  const path = containedPath(root, dir);
  await mkdir(path, { recursive: true });
  return path;
}

/** Writes a new file and waits until its bytes are on disk. */
async function writeSynced(path: string, content: string, flags: "wx" | "w"): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.writeFile(content, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes through a temp file and a rename, so a crash never leaves a half-written file behind. */
export async function writeFileAtomically(root: string, path: string, content: string): Promise<void> {
  const target = containedPath(root, path);
  checkWriteScope(root, target);
  await mkdir(dirname(target), { recursive: true });
  const temp = await tempPath(root, target);
  await writeSynced(temp, content, "wx");
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    // Another file system under the workspace (a mount): a temp file beside the target instead.
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    const beside = join(dirname(target), `.${basename(target)}.leanos-tmp-${process.pid}`);
    await writeSynced(beside, content, "w");
    await rename(beside, target);
  }
  durableStep(`write ${relative(root, target)}`);
}

export async function writeJsonAtomically(root: string, path: string, value: unknown): Promise<void> {
  await writeFileAtomically(root, path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Appends in one write, so lines from concurrent processes never interleave mid-line. */
export async function appendToFile(root: string, path: string, text: string): Promise<void> {
  const target = containedPath(root, path);
  checkWriteScope(root, target);
  await mkdir(dirname(target), { recursive: true });
  await appendFile(target, text, "utf8");
  durableStep(`append ${relative(root, target)}`);
}

/**
 * Moves a folder in one rename (a crash leaves it at one place or the other, never half), both ends
 * held to the write scope. The target must not exist: a rename never lands on a folder with files.
 */
export async function moveFolder(root: string, from: string, to: string): Promise<void> {
  const source = containedPath(root, from);
  const target = containedPath(root, to);
  checkWriteScope(root, join(source, "x"));
  checkWriteScope(root, join(target, "x"));
  await mkdir(dirname(target), { recursive: true });
  await rename(source, target);
  durableStep(`move ${relative(root, source)} to ${relative(root, target)}`);
}

/** Removes a file or folder inside the workspace, held to the write scope. */
export async function removePath(root: string, path: string): Promise<void> {
  const target = containedPath(root, path);
  checkWriteScope(root, target);
  await rm(target, { recursive: true, force: true });
  durableStep(`remove ${relative(root, target)}`);
}

/** Removes what dead processes left in .leanos/tmp/ (temp files, half-made thread folders). */
export async function removeDeadTemps(root: string): Promise<string[]> {
  const dir = join(root, TMP_DIR);
  let names: string[];
  try {
    containedPath(root, TMP_DIR);
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const [host, pid] = name.split("~");
    if (host !== HOST || pid === undefined || processAlive(Number(pid))) continue;
    // Best effort: a workspace that cannot be written to fails at its first real write, with its message.
    const gone = await rm(join(dir, name), { recursive: true, force: true }).then(
      () => true,
      () => false,
    );
    if (gone) removed.push(name);
  }
  return removed;
}
