import Database from "better-sqlite3";
import { describeDatabaseFault } from "../failure.js";
import { dirname, relative } from "node:path";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { EnvironmentFault, FileProblem } from "../errors.js";
import { containedPath } from "../files/contained.js";

// The workspace's SQLite database (.leanos/checkpoints.sqlite): checkpoints and lease rows. Opened
// here only, so its path is checked to stay in the workspace and a broken file is reported plainly.

const SIDE_FILES = ["", "-wal", "-shm", "-journal"];

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The database of a workspace that cannot be written (a read-only mount, a folder or file without
 * write permission), opened for reading only: every command that changes nothing works there, and a
 * write is refused by SQLite (SQLITE_READONLY, said as "cannot write ...").
 *
 * In WAL mode SQLite reads through the -shm side file, which it must be able to make. When the last
 * writer closed cleanly there is no -wal and no -shm, and a folder that cannot be written cannot have
 * one made; the database file then holds everything, and is read as a copy in memory (its header set
 * back to the rollback journal, which needs no side file). When a -wal is there (a writer elsewhere
 * still has the database open, or died), the file alone is not the whole database: SQLite reads it
 * with its side files, as it can when they are both there.
 */
function openForReading(path: string): Database.Database {
  if (existsSync(`${path}-wal`)) return new Database(path, { readonly: true, fileMustExist: true, timeout: 5_000 });
  const image = readFileSync(path);
  // Bytes 18 and 19 are the file format's write and read versions: 2 for WAL, 1 for the rollback journal.
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) image.fill(1, 18, 20);
  return new Database(image, { readonly: true });
}

/** How a database is opened: `reading` for a command that changes nothing, which may then find the workspace read-only. */
export interface DatabaseUse {
  reading?: boolean;
}

/**
 * Opens (creating if needed) a database of the workspace `root`, and checks it is one. For `reading`,
 * an existing database of a workspace that cannot be written is opened for reading only
 * (openForReading); any other use of such a workspace is refused before anything is done.
 */
export function openDatabase(root: string, path: string, use: DatabaseUse = {}): Database.Database {
  for (const suffix of SIDE_FILES) containedPath(root, `${path}${suffix}`);
  const shown = relative(root, path);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new FileProblem(shown, "is a folder; leanos keeps its checkpoints in this file (move the folder away)");
  try {
    const readOnly = use.reading === true && existsSync(path) && !(writable(dirname(path)) && writable(path));
    const db = readOnly ? openForReading(path) : new Database(path, { timeout: 5_000 });
    // A file that is not a database only says so on its first read.
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    return db;
  } catch (error) {
    throw new EnvironmentFault(
      describeDatabaseFault(error, shown) ?? `cannot open ${shown}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
