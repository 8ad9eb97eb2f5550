import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import type { CasePaths, CliOutcome, HostileCase } from "../harness.js";

// A command that changes nothing writes nothing. Looking at a workspace (status, pending, canvas,
// usage, reindex --check) and resuming a thread that has nothing to run leave it byte for byte as it
// was, checkpoints.sqlite included (only SQLite's -wal and -shm side files may come and go); and they
// all work on a workspace mounted read-only, where the checkpoint database is opened for reading.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];
const THREAD = "sales/elsaai-deal-closed";

/** stdout holds each of these. */
const prints =
  (...words: string[]) =>
  (_paths: CasePaths, outcome: CliOutcome): void => {
    for (const word of words) expect(outcome.stdout).toContain(word);
  };

/** What `pending` and `status THREAD` say when they cannot record what they showed: one short note, no temp file's path. */
const NOT_RECORDED =
  "leanos: note: what was shown is not recorded (the workspace cannot be written); an answer without --interrupt will show the question again and ask";

/** The commands, each on the workspace it reads, and what it must print. */
const readers: Array<{
  name: string;
  base: HostileCase["base"];
  args: string[];
  check: HostileCase["check"];
  writes?: "shown";
}> = [
  { name: "status", base: "waiting", args: ["status"], check: prints(THREAD, "waiting", "Approve the decision") },
  // The prepared workspaces were last looked at with pending: what was shown is on record already, so nothing is written, and nothing said.
  {
    name: "status THREAD",
    base: "waiting",
    args: ["status", "elsaai"],
    check: prints("Waiting for a human:", "Approve the decision"),
    writes: "shown",
  },
  {
    name: "pending",
    base: "waiting",
    args: ["pending"],
    check: prints(THREAD, "Approve the decision"),
    writes: "shown",
  },
  { name: "canvas", base: "done", args: ["canvas"], check: prints("A4", "75%") },
  { name: "canvas --history", base: "done", args: ["canvas", "--history", "A4"], check: prints("A4:", "60% -> 75%") },
  { name: "usage", base: "waiting", args: ["usage", "elsaai"], check: prints(THREAD) },
  {
    name: "reindex --check",
    base: "done",
    args: ["reindex", "--check"],
    check: prints("1 thread folder(s) read; 0 disagreement(s)"),
  },
  {
    name: "resume of a thread that waits",
    base: "waiting",
    args: ["resume", "elsaai"],
    check: prints(`Nothing left to run on ${THREAD}: it waits for a person`),
  },
  {
    name: "resume of a thread whose next step is not due",
    base: "scheduled",
    args: ["resume", "elsaai"],
    check: prints(`Nothing left to run on ${THREAD}: its next step is scheduled`),
  },
  {
    name: "resume of a thread that is done",
    base: "done",
    args: ["resume", "elsaai"],
    check: prints(`Nothing left to run on ${THREAD}: it is complete`),
  },
];

export const cases: HostileCase[] = [
  ...readers.map((reader): HostileCase => ({
    name: `a read-only workspace: ${reader.name} works, and changes nothing`,
    base: reader.base,
    readOnly: ["."],
    args: (paths) => [...ws(paths), ...reader.args],
    exit: 0,
    words: [],
    check: async (paths, outcome) => {
      expect(outcome.stderr).toBe("");
      await reader.check?.(paths, outcome);
    },
  })),
  {
    name: "a read-only workspace: pending that cannot record what it showed says so in one line, and still shows it",
    base: "waiting",
    readOnly: ["."],
    setup: async (paths) => rm(join(paths.workspace, ".leanos", "shown.json")),
    args: (paths) => [...ws(paths), "pending"],
    exit: 0,
    words: [],
    check: (paths, outcome) => {
      expect(outcome.stderr.trimEnd()).toBe(NOT_RECORDED);
      prints(THREAD, "Approve the decision")(paths, outcome);
    },
  },
  // On a writable workspace, the same commands leave every byte as it was (pending and status THREAD
  // record what they showed in .leanos/shown.json, by design: that is their one write).
  ...readers
    .filter((reader) => reader.writes === undefined)
    .map((reader): HostileCase => ({
      name: `a writable workspace: ${reader.name} leaves every byte as it was`,
      base: reader.base,
      args: (paths) => [...ws(paths), ...reader.args],
      exit: 0,
      words: [],
      check: reader.check,
    })),
  {
    name: "a read-only workspace: resume of a thread with something to run says the database must be writable, and changes nothing",
    base: "waiting",
    readOnly: ["."],
    // A thread marked failed is run on by resume: that takes its lease, a row in the database.
    setup: async (paths) => {
      const meta = join(paths.workspace, "threads", "sales", "elsaai-deal-closed", "meta.json");
      await writeFile(meta, (await readFile(meta, "utf8")).replace('"state": "waiting"', '"state": "failed"'));
    },
    args: (paths) => [...ws(paths), "resume", "elsaai"],
    exit: 1,
    words: [".leanos/checkpoints.sqlite", "must be writable", "not on a read-only mount"],
  },
];
