import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { CasePaths, HostileCase } from "../harness.js";

// The machine refusing: a workspace, or a part of it, on a read-only mount. Each gives exit 1 with
// the path and what to do, and no stack trace. The folders are really mounted read-only (a bind mount
// in a mount namespace of the command's own, see harness.ts): tests run as root, which chmod does not
// stop. Where that is not allowed, these cases are skipped and test/failure.test.ts covers the mapping.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];
const READ_ONLY = ["read-only", "remount it read-write"];

export const cases: HostileCase[] = [
  {
    // The commands that change nothing work on a read-only workspace: see readers.ts.
    name: "a read-only workspace: the checkpoint database cannot be opened for a pass",
    base: "waiting",
    readOnly: ["."],
    args: (paths) => [...ws(paths), "pass"],
    exit: 1,
    words: [".leanos/checkpoints.sqlite", "SQLITE_CANTOPEN", "not on a read-only mount"],
  },
  {
    name: "a read-only workspace (approve)",
    base: "waiting",
    readOnly: ["."],
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 1,
    words: [".leanos/checkpoints.sqlite", "must be writable"],
  },
  {
    name: "a read-only .leanos/ (event)",
    base: "waiting",
    readOnly: [".leanos"],
    args: (paths) => [...ws(paths), "event", "Nordstil lost: they chose a cheaper SDK"],
    exit: 1,
    words: [".leanos/checkpoints.sqlite", "must be writable"],
  },
  {
    name: "a read-only threads/: EROFS on mkdir of a new thread type's folder (event)",
    base: "waiting",
    readOnly: ["threads"],
    args: (paths) => [
      ...ws(paths),
      "event",
      "--type",
      "business",
      "Competitor FitMirror launched a cheaper try-on SDK",
    ],
    exit: 1,
    words: [/cannot create the folder \S+\/threads\/business: the file system is read-only \(EROFS\)/, ...READ_ONLY],
  },
  {
    name: "a read-only ops/: EROFS on ops/today.md (today)",
    base: "waiting",
    readOnly: ["ops"],
    args: (paths) => [...ws(paths), "today"],
    exit: 1,
    words: [/\/ops\/\S*today\.md\S*: the file system is read-only \(EROFS\)/, ...READ_ONLY],
  },
  {
    name: "init into a read-only folder (Node says ENOENT; the message says read-only)",
    base: "empty",
    setup: async (paths) => mkdir(join(paths.workspace, "parent")),
    readOnly: ["parent"],
    args: (paths) => ["init", join(paths.workspace, "parent", "acme"), "--company", "Acme"],
    exit: 1,
    words: [/cannot create the folder \S+\/parent\/acme: the file system is read-only \(EROFS\)/, ...READ_ONLY],
  },
];
