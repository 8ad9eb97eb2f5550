import type { CasePaths, HostileCase } from "../harness.js";

// Thread names a person (or a script) may get wrong: empty, degenerate, too short to be unique, a
// type instead of a thread, a path. Each is refused with exit 2 before anything is read or written.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];

const refusedName = (name: string, words: string[], command: string[] = ["approve"]): HostileCase => ({
  name: `${command.join(" ")} ${JSON.stringify(name)}`,
  base: "waiting",
  args: (paths) => [...ws(paths), ...command, name],
  exit: 2,
  words,
});

export const cases: HostileCase[] = [
  refusedName("", ["names no thread"]),
  refusedName("   ", ["names no thread"]),
  refusedName("/", ["names no thread"]),
  refusedName("threads/", ["names no thread"]),
  refusedName("..", ["not a thread name"]),
  refusedName("../../etc/passwd", ["not a thread name"]),
  refusedName("sales/../../outside", ["not a thread name"]),
  refusedName("sales/elsaai deal", ["not a thread name"]),
  refusedName("sales", ["thread type, not a thread"]),
  refusedName("sales/", ["thread type, not a thread"]),
  refusedName("el", ["at least 3 characters"]),
  refusedName("sales/el", ["at least 3 characters"]),
  refusedName("nobody", ["unknown thread"]),
  refusedName("marketing/elsaai-deal-closed", ["unknown thread"]),
  refusedName("el", ["at least 3 characters"], ["reject", "--reason", "no"]),
  refusedName("", ["names no thread"], ["resume"]),
  refusedName("..", ["not a thread name"], ["status"]),
  refusedName("/", ["names no thread"], ["pending"]),
  {
    name: "reject with an empty --reason",
    base: "waiting",
    args: (paths) => [...ws(paths), "reject", "sales/elsaai-deal-closed", "--reason", ""],
    exit: 2,
    words: ["--reason must say why"],
  },
  {
    name: "reject with a --reason of blanks",
    base: "waiting",
    args: (paths) => [...ws(paths), "reject", "elsaai", "--reason", "   "],
    exit: 2,
    words: ["--reason must say why"],
  },
  {
    name: "respond with no feedback",
    base: "waiting",
    args: (paths) => [...ws(paths), "respond", "elsaai", " "],
    exit: 2,
    words: ["respond needs the feedback text"],
  },
  {
    name: "approve a thread that waits for nothing (scheduled)",
    base: "scheduled",
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 2,
    words: ["nothing waits on thread sales/elsaai-deal-closed"],
  },
];
