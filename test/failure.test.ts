import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { reportFailure } from "../src/cli/failure.js";
import { describeFailure } from "../src/failure.js";
import { EnvironmentFault, FileProblem, RuntimeFailure, UsageError } from "../src/errors.js";
import { tempDir } from "./helpers.js";

// The command line's last word on a failure: one line with the path and what to do, exit 2 for bad
// input and 1 for a machine that refused, never a stack trace unless LEANOS_DEBUG=1 asks for it.

/** The error a failing call of `fn` throws. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

/** An error shaped exactly as Node reports a failed file-system call (for faults a test cannot cause as root). */
function errno(code: string, errnoNumber: number, syscall: string, path: string, text: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), {
    errno: errnoNumber,
    code,
    syscall,
    path,
  });
}

describe("describeFailure", () => {
  it("passes leanos's own errors through with their exit codes", () => {
    expect(describeFailure(new UsageError("--date 2026-13-45: not a calendar date"))).toEqual({
      exitCode: 2,
      message: "--date 2026-13-45: not a calendar date",
    });
    expect(
      describeFailure(new FileProblem("ops/metrics/2026-11.yaml", "is not valid YAML: Unexpected scalar", 9)),
    ).toEqual({ exitCode: 2, message: "ops/metrics/2026-11.yaml:9: is not valid YAML: Unexpected scalar" });
    expect(describeFailure(new RuntimeFailure("thread failed"))).toEqual({ exitCode: 1, message: "thread failed" });
    expect(describeFailure(new EnvironmentFault("cannot write x"))).toEqual({ exitCode: 1, message: "cannot write x" });
  });

  it.each([
    [
      "EROFS",
      30,
      "mkdir",
      "/srv/ws/threads/sales",
      1,
      /cannot create the folder \/srv\/ws\/threads\/sales: the file system is read-only .*remount it read-write/,
    ],
    [
      "EROFS",
      30,
      "open",
      "/srv/ws/ops/today.md",
      1,
      /cannot open \/srv\/ws\/ops\/today\.md: the file system is read-only/,
    ],
    [
      "EACCES",
      13,
      "open",
      "/srv/ws/.leanos/audit.jsonl",
      1,
      /permission denied \(EACCES\).*ls -ld \/srv\/ws\/\.leanos\/audit\.jsonl/,
    ],
    [
      "EPERM",
      1,
      "rename",
      "/srv/ws/threads/x/meta.json",
      1,
      /cannot replace \/srv\/ws\/threads\/x\/meta\.json: permission denied/,
    ],
    ["ENOSPC", 28, "write", "/srv/ws/threads/x/1-input.md", 1, /no space left on the device .*Free some space/],
    ["EIO", 5, "read", "/srv/ws/x", 1, /input\/output error/],
    ["EEXIST", 17, "mkdir", "/srv/ws/threads/sales/x", 2, /already there \(EEXIST\)/],
    ["ELOOP", 40, "open", "/srv/ws/loop", 2, /loop of symlinks/],
  ])(
    "maps %s on %s to exit %#: one line with the path and what to do",
    (code, number, syscall, path, exitCode, message) => {
      const failure = describeFailure(errno(code, -number, syscall, path, "refused"));
      expect(failure.exitCode).toBe(exitCode);
      expect(failure.message).toMatch(message);
      expect(failure.message).toContain(path);
      expect(failure.message).not.toContain("\n");
    },
  );

  it("maps the errors Node really throws for bad paths to exit 2 with the path", async () => {
    const dir = await tempDir();
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const missing = describeFailure(thrownBy(() => readFileSync(join(dir, "missing.md"))));
    expect(missing).toEqual({
      exitCode: 2,
      message: expect.stringMatching(/cannot open .*missing\.md: it does not exist/),
    });
    expect(describeFailure(thrownBy(() => readFileSync(dir)))).toEqual({
      exitCode: 2,
      message: expect.stringMatching(/it is a folder where a file belongs \(EISDIR\)/),
    });
    expect(describeFailure(thrownBy(() => mkdirSync(join(file, "sub"))))).toEqual({
      exitCode: 2,
      message: expect.stringContaining("(ENOTDIR)"),
    });
    expect(describeFailure(thrownBy(() => mkdirSync(dir)))).toEqual({
      exitCode: 2,
      message: expect.stringContaining("(EEXIST)"),
    });
  });

  it("looks behind the ENOENT a recursive mkdir reports: under a file it is ENOTDIR, in a writable folder it stays ENOENT", async () => {
    const dir = await tempDir();
    writeFileSync(join(dir, "a-file"), "x");
    // Node reports a recursive mkdir below a read-only mount as ENOENT too; the hostile suite checks
    // that case on a real read-only mount (test/hostile/cases/environment.ts).
    expect(
      describeFailure(errno("ENOENT", -2, "mkdir", join(dir, "a-file", "x", "y"), "no such file or directory")).message,
    ).toContain("(ENOTDIR)");
    expect(
      describeFailure(errno("ENOENT", -2, "mkdir", join(dir, "gone", "x"), "no such file or directory")).message,
    ).toContain("(ENOENT)");
  });

  it("describes a real SQLite failure with the database's path and what to do (exit 1)", async () => {
    const dir = await tempDir();
    const path = join(dir, "not-a-database.sqlite");
    writeFileSync(path, "this is not a database, just text that is long enough to be read as a header".repeat(20));
    const error = thrownBy(() => new Database(path).prepare("SELECT count(*) FROM sqlite_master").get());
    const failure = describeFailure(error);
    expect(failure.exitCode).toBe(1);
    expect(failure.message).toMatch(
      /\.leanos\/checkpoints\.sqlite is not a usable SQLite database \(SQLITE_NOTADB.*Move it aside/,
    );
  });

  it("says anything else in one line and points at LEANOS_DEBUG=1 for the stack", () => {
    const failure = describeFailure(
      new TypeError("Cannot read properties of undefined (reading 'x')\n    at somewhere (file.js:1:1)"),
    );
    expect(failure).toEqual({
      exitCode: 1,
      message: "Cannot read properties of undefined (reading 'x') (run again with LEANOS_DEBUG=1 to see the stack)",
    });
    expect(describeFailure("a thrown string").message).toContain("a thrown string");
  });
});

describe("reportFailure", () => {
  const report = (error: unknown, debug: boolean): { code: number; text: string } => {
    let text = "";
    const code = reportFailure(error, (chunk) => (text += chunk), debug);
    return { code, text };
  };

  it("prints one line prefixed leanos: and no stack", () => {
    const { code, text } = report(errno("EROFS", -30, "mkdir", "/srv/ws/threads", "read-only file system"), false);
    expect(code).toBe(1);
    expect(text).toMatch(/^leanos: cannot create the folder \/srv\/ws\/threads: the file system is read-only/);
    expect(text.trimEnd().split("\n")).toHaveLength(1);
    expect(text).not.toMatch(/^\s+at /m);
  });

  it("prints the stack, and the causes' stacks, with LEANOS_DEBUG=1", () => {
    const cause = new Error("SQLITE_CANTOPEN");
    const { code, text } = report(new EnvironmentFault("cannot write .leanos/checkpoints.sqlite", { cause }), true);
    expect(code).toBe(1);
    expect(text).toMatch(/^leanos: cannot write \.leanos\/checkpoints\.sqlite\n/);
    expect(text).toMatch(/^EnvironmentFault: cannot write/m);
    expect(text).toMatch(/^caused by: Error: SQLITE_CANTOPEN/m);
    expect(text).toMatch(/^\s+at /m);
  });
});
