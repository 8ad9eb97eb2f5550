import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";
import { RuntimeFailure, UsageError } from "./errors.js";

// What a failure means to the person at the keyboard (the CLI prints it, a failed thread records
// it): one line that says what went wrong, where, and what to do, and the exit code of the contract
// (2: bad input, 1: the run or the machine failed). Never a stack trace.

export interface Failure {
  exitCode: 1 | 2;
  message: string;
}

/** The one SQLite database leanos keeps; a raw SQLite error that reaches here is about it. */
const DATABASE = ".leanos/checkpoints.sqlite";

type Errno = NodeJS.ErrnoException & { dest?: string };

const isErrno = (error: unknown): error is Errno =>
  error instanceof Error &&
  typeof (error as Errno).code === "string" &&
  /^E[A-Z0-9]+$/.test((error as Errno).code!) &&
  typeof (error as Errno).syscall === "string";

/** What the call was doing, in words. */
function doing(syscall: string | undefined, path: string): string {
  switch (syscall) {
    case "mkdir":
      return `create the folder ${path}`;
    case "rmdir":
    case "unlink":
    case "rm":
      return `remove ${path}`;
    case "rename":
      return `replace ${path}`;
    case "scandir":
    case "opendir":
      return `list the folder ${path}`;
    case "read":
      return `read ${path}`;
    case "write":
    case "fsync":
    case "ftruncate":
      return `write ${path}`;
    case "stat":
    case "lstat":
    case "access":
      return `look at ${path}`;
    default:
      return `${syscall ? `${syscall} ` : "use "}${path}`;
  }
}

/**
 * Node reports a recursive mkdir on a read-only file system as ENOENT. The deepest folder that does
 * exist tells the truth: when it cannot be written, that is the fault, not a missing path.
 */
function realCode(error: Errno): string {
  if (error.code !== "ENOENT" || error.syscall !== "mkdir" || !error.path) return error.code!;
  let dir = dirname(error.path);
  for (;;) {
    try {
      if (!statSync(dir).isDirectory()) return "ENOTDIR";
      accessSync(dir, constants.W_OK);
      return error.code!;
    } catch (caught) {
      const code = (caught as Errno).code;
      if (code !== "ENOENT") return code ?? error.code!;
    }
    const parent = dirname(dir);
    if (parent === dir) return error.code!;
    dir = parent;
  }
}

/** A Node file-system error as a sentence with the path and what to do. */
function describeErrno(error: Errno): Failure {
  const path = error.path ?? error.dest ?? "a file of the workspace";
  const action = doing(error.syscall, path);
  const code = realCode(error);
  switch (code) {
    case "EROFS":
      return {
        exitCode: 1,
        message: `cannot ${action}: the file system is read-only (EROFS). leanos writes into the workspace; remount it read-write, or copy the workspace to a writable place, and run the command again`,
      };
    case "EACCES":
    case "EPERM":
      return {
        exitCode: 1,
        message: `cannot ${action}: permission denied (${code}). Check who owns the file or folder and its permissions (ls -ld ${path}); leanos must be able to read and write the whole workspace`,
      };
    case "ENOSPC":
    case "EDQUOT":
      return {
        exitCode: 1,
        message: `cannot ${action}: no space left on the device (${code}). Free some space and run the command again; every write is atomic, so nothing was left half-written`,
      };
    case "EMFILE":
    case "ENFILE":
      return {
        exitCode: 1,
        message: `cannot ${action}: too many open files (${code}). Raise the limit (ulimit -n) or close other programs, and run the command again`,
      };
    case "EIO":
      return {
        exitCode: 1,
        message: `cannot ${action}: the disk reported an input/output error (EIO). Check the disk and the mount, then run the command again`,
      };
    case "EBUSY":
    case "ETXTBSY":
      return {
        exitCode: 1,
        message: `cannot ${action}: it is busy (${code}); another program holds it. Try again when it is released`,
      };
    case "ENOENT":
      return {
        exitCode: 2,
        message: `cannot ${action}: it does not exist (ENOENT). Check the path, or restore the file`,
      };
    case "ENOTDIR":
      return {
        exitCode: 2,
        message: `cannot ${action}: a part of the path is a file where a folder belongs (ENOTDIR). Move that file aside`,
      };
    case "EISDIR":
      return {
        exitCode: 2,
        message: `cannot ${action}: it is a folder where a file belongs (EISDIR). Move the folder aside`,
      };
    case "EEXIST":
      return {
        exitCode: 2,
        message: `cannot ${action}: something of that name is already there (EEXIST). Move it aside, or choose another name`,
      };
    case "EXDEV":
      return {
        exitCode: 1,
        message: `cannot move ${path}${error.dest ? ` to ${error.dest}` : ""}: they are on different file systems (EXDEV). Keep the whole workspace, .leanos/ included, on one file system (no separate mount inside it)`,
      };
    case "ENOTEMPTY":
      return { exitCode: 2, message: `cannot ${action}: the folder is not empty (ENOTEMPTY)` };
    case "ENAMETOOLONG":
      return { exitCode: 2, message: `cannot ${action}: the name is too long for the file system (ENAMETOOLONG)` };
    case "ELOOP":
      return {
        exitCode: 2,
        message: `cannot ${action}: the path goes round in a loop of symlinks (ELOOP). Fix or remove the link`,
      };
    default:
      return { exitCode: 1, message: `cannot ${action}: ${error.message}` };
  }
}

/** Any error that ended a command, as the message and exit code the command line shows. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) return { exitCode: 2, message: error.message };
  if (error instanceof RuntimeFailure) return { exitCode: 1, message: error.message };
  if (isErrno(error)) return describeErrno(error);
  const database = describeDatabaseFault(error, DATABASE);
  if (database !== undefined) return { exitCode: 1, message: database };
  const message = error instanceof Error ? error.message || error.name : String(error);
  return { exitCode: 1, message: `${message.split("\n")[0]} (run again with LEANOS_DEBUG=1 to see the stack)` };
}

/** What a SQLite failure means for the person at the keyboard, or undefined when it is not one. */
export function describeDatabaseFault(error: unknown, path: string): string | undefined {
  const code = String((error as { code?: unknown }).code ?? "");
  if (!code.startsWith("SQLITE_")) return undefined;
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return `${path} is not a usable SQLite database (${code}: ${(error as Error).message}). Move it aside (mv ${path} ${path}.broken) and restore it from a backup; without one, leanos starts an empty one and the threads' checkpoints are lost`;
  }
  if (
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code === "SQLITE_IOERR" ||
    code.startsWith("SQLITE_IOERR_")
  ) {
    return `cannot write ${path} (${code}: ${(error as Error).message}); the workspace must be writable (check its permissions, free space and that it is not on a read-only mount)`;
  }
  if (code === "SQLITE_FULL") return `${path}: the disk is full (${code}); free some space and run the command again`;
  return `${path}: ${code}: ${(error as Error).message}`;
}
