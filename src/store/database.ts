import Database from "better-sqlite3";
import { relative } from "node:path";
import { existsSync, statSync } from "node:fs";
import { EnvironmentFault, FileProblem } from "../errors.js";
import { containedPath } from "../files/contained.js";

// The workspace's SQLite database (.leanos/checkpoints.sqlite): checkpoints and lease rows. Opened
// here only, so its path is checked to stay in the workspace and a broken file is reported plainly.

const SIDE_FILES = ["", "-wal", "-shm", "-journal"];

/** What a SQLite failure means for the person at the keyboard, or undefined when it is not one. */
export function describeDatabaseFault(error: unknown, path: string): string | undefined {
  const code = String((error as { code?: unknown }).code ?? "");
  if (!code.startsWith("SQLITE_")) return undefined;
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return `${path} is not a usable SQLite database (${code}: ${(error as Error).message}). Move it aside (mv ${path} ${path}.broken) and restore it from a backup; without one, leanos starts an empty one and the threads' checkpoints are lost`;
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_IOERR" || code.startsWith("SQLITE_IOERR_")) {
    return `cannot write ${path} (${code}: ${(error as Error).message}); the workspace must be writable (check its permissions, free space and that it is not on a read-only mount)`;
  }
  if (code === "SQLITE_FULL") return `${path}: the disk is full (${code}); free some space and run the command again`;
  return `${path}: ${code}: ${(error as Error).message}`;
}

/** Opens (creating if needed) a database of the workspace `root`, and checks it is one. */
export function openDatabase(root: string, path: string): Database.Database {
  for (const suffix of SIDE_FILES) containedPath(root, `${path}${suffix}`);
  const shown = relative(root, path);
  if (existsSync(path) && statSync(path).isDirectory()) throw new FileProblem(shown, "is a folder; leanos keeps its checkpoints in this file (move the folder away)");
  try {
    const db = new Database(path, { timeout: 5_000 });
    // A file that is not a database only says so on its first read.
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    return db;
  } catch (error) {
    throw new EnvironmentFault(describeDatabaseFault(error, shown) ?? `cannot open ${shown}: ${(error as Error).message}`, { cause: error });
  }
}
