import { cp, mkdir, readFile, rename, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { eventFile, runCli } from "../../helpers.js";
import type { CasePaths, HostileCase } from "../harness.js";

// Symlinks planted in a workspace (often a shared git repository) that lead out of it. leanos must
// never write through them, nor read the canvas, skills or state through them: each is refused with
// exit 2, naming the link, and nothing is written inside or outside the workspace.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];
const THREAD = join("threads", "sales", "elsaai-deal-closed");

/** Moves a workspace folder or file out to the sentinel area and leaves a symlink in its place. */
const linkedOut =
  (path: string, options: { keep?: boolean } = {}) =>
  async (paths: CasePaths): Promise<void> => {
    const inside = join(paths.workspace, path);
    const outside = join(paths.outside, "linked", path.replaceAll("/", "_"));
    await mkdir(join(paths.outside, "linked"), { recursive: true });
    // A copy outside keeps the workspace whole; the link then points at the copy.
    if (options.keep === false) await mkdir(outside, { recursive: true });
    else await cp(inside, outside, { recursive: true });
    await rm(inside, { recursive: true, force: true });
    await mkdir(join(inside, ".."), { recursive: true });
    await symlink(outside, inside);
  };

/** A symlink at `path` to a folder (or file) made outside. */
const linkTo =
  (path: string, target: (paths: CasePaths) => string) =>
  async (paths: CasePaths): Promise<void> => {
    await mkdir(join(paths.workspace, path, ".."), { recursive: true });
    await rm(join(paths.workspace, path), { recursive: true, force: true });
    await symlink(target(paths), join(paths.workspace, path));
  };

const refusedLink = (
  name: string,
  base: HostileCase["base"],
  setup: HostileCase["setup"],
  args: (paths: CasePaths) => string[],
  link: string,
): HostileCase => ({
  name,
  base,
  setup,
  args,
  exit: 2,
  words: [link, "is a symlink to", "outside the workspace"],
});

export const cases: HostileCase[] = [
  refusedLink(
    "threads/sales linked out: a new sales event",
    "waiting",
    linkedOut("threads/sales"),
    (paths) => [...ws(paths), "event", "--file", eventFile("01-elsaai-deal-closed.md")],
    "threads/sales",
  ),
  refusedLink(
    "threads linked out: a new event",
    "waiting",
    linkedOut("threads"),
    (paths) => [...ws(paths), "event", "--file", eventFile("02-lost-deal-nordstil.md")],
    "threads",
  ),
  refusedLink(
    ".leanos linked out: pending",
    "waiting",
    linkedOut(".leanos"),
    (paths) => [...ws(paths), "pending"],
    ".leanos",
  ),
  refusedLink(
    ".leanos linked out: a new event",
    "waiting",
    linkedOut(".leanos"),
    (paths) => [...ws(paths), "event", "a lead from Milan"],
    ".leanos",
  ),
  {
    // Neither read nor written through the link; listing what waits goes on without the record.
    name: ".leanos/shown.json linked to a file outside: pending lists what waits and records nothing",
    base: "waiting",
    setup: linkTo(".leanos/shown.json", (paths) => join(paths.outside, "precious.md")),
    args: (paths) => [...ws(paths), "pending"],
    exit: 0,
    words: ["what was shown is not recorded", ".leanos/shown.json is a symlink to"],
    check: (_paths, outcome) => {
      expect(outcome.stdout).toContain("sales/elsaai-deal-closed");
    },
  },
  refusedLink(
    "checkpoints.sqlite linked out: approve",
    "waiting",
    linkedOut(".leanos/checkpoints.sqlite"),
    (paths) => [...ws(paths), "approve", "elsaai"],
    ".leanos/checkpoints.sqlite",
  ),
  refusedLink(
    "audit.jsonl linked out: approve",
    "waiting",
    linkedOut(".leanos/audit.jsonl"),
    (paths) => [...ws(paths), "approve", "elsaai"],
    ".leanos/audit.jsonl",
  ),
  refusedLink(
    "the thread's meta.json linked to a file outside: status",
    "waiting",
    linkTo(`${THREAD}/meta.json`, (paths) => join(paths.outside, "precious.md")),
    (paths) => [...ws(paths), "status"],
    `${THREAD}/meta.json`,
  ),
  {
    // Found only when the run writes the file: the thread is left failed, and resumes once the link is gone.
    name: "a stage file linked to a file outside: approve refuses to write it, and resume finishes once the link is gone",
    base: "waiting",
    setup: linkTo(`${THREAD}/4-decision.md`, (paths) => join(paths.outside, "precious.md")),
    args: (paths) => [...ws(paths), "approve", "elsaai"],
    exit: 2,
    words: [`${THREAD}/4-decision.md`, "is a symlink to", "outside the workspace"],
    unchanged: false,
    check: async (paths) => {
      await rm(join(paths.workspace, THREAD, "4-decision.md"));
      const resumed = await runCli(["--workspace", paths.workspace, "--json", "resume", "elsaai"]);
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      expect((JSON.parse(resumed.stdout) as { state: string }).state).toBe("waiting");
      expect(await readFile(join(paths.workspace, THREAD, "4-decision.md"), "utf8")).toContain("answer: accept");
    },
  },
  refusedLink(
    "the outbox linked out: a send writes its payload",
    "action",
    linkedOut("artifacts/outbox", { keep: false }),
    (paths) => [...ws(paths), "approve", "elsaai"],
    "artifacts/outbox",
  ),
  refusedLink(
    "the metrics linked out: a pass",
    "scheduled",
    linkedOut("ops/metrics"),
    (paths) => [...ws(paths), "pass"],
    "ops/metrics",
  ),
  refusedLink(
    "the thread folder linked out: approve",
    "waiting",
    linkedOut(THREAD),
    (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    "threads/sales/elsaai-deal-closed",
  ),
  refusedLink(
    "strategy/canvas linked out: pending",
    "waiting",
    linkedOut("strategy/canvas"),
    (paths) => [...ws(paths), "pending"],
    "strategy/canvas",
  ),
  refusedLink(
    "10-assumptions.md linked out: canvas",
    "waiting",
    linkedOut("strategy/canvas/10-assumptions.md"),
    (paths) => [...ws(paths), "canvas"],
    "strategy/canvas/10-assumptions.md",
  ),
  refusedLink("ops linked out: today", "waiting", linkedOut("ops"), (paths) => [...ws(paths), "today"], "ops"),
  refusedLink(
    "ops/today.md linked to a file outside: today",
    "waiting",
    linkTo("ops/today.md", (paths) => join(paths.outside, "precious.md")),
    (paths) => [...ws(paths), "today"],
    "ops/today.md",
  ),
  refusedLink(
    ".leanos/tmp linked out: approve",
    "waiting",
    linkTo(".leanos/tmp", (paths) => join(paths.outside, "tmp")),
    (paths) => [...ws(paths), "approve", "elsaai"],
    ".leanos/tmp",
  ),
  refusedLink(
    "a dangling link for the next thread folder: a new event",
    "waiting",
    linkTo(`${THREAD}-2`, (paths) => join(paths.outside, "not-yet")),
    (paths) => [...ws(paths), "event", "--file", eventFile("01-elsaai-deal-closed.md")],
    "threads/sales/elsaai-deal-closed-2",
  ),
  refusedLink(
    "the workspace's skills linked out: pending",
    "waiting",
    linkTo("skills", (paths) => join(paths.outside, "skills")),
    (paths) => [...ws(paths), "pending"],
    "skills",
  ),
  refusedLink(
    "artifacts linked out: approve runs the actions",
    "waiting",
    linkedOut("artifacts", { keep: false }),
    (paths) => [...ws(paths), "approve", "elsaai"],
    "artifacts",
  ),
  {
    name: "a symlink that stays inside the workspace is followed (threads in a subfolder)",
    base: "waiting",
    setup: async (paths) => {
      await mkdir(join(paths.workspace, "data"), { recursive: true });
      await rename(join(paths.workspace, "threads"), join(paths.workspace, "data", "threads"));
      await symlink(join("data", "threads"), join(paths.workspace, "threads"));
    },
    args: (paths) => [...ws(paths), "--json", "approve", "elsaai"],
    exit: 0,
    words: [],
    unchanged: false,
    check: async (paths, outcome) => {
      expect((JSON.parse(outcome.stdout) as { state: string }).state).toBe("waiting");
      expect(await readFile(join(paths.workspace, "data", THREAD, "4-decision.md"), "utf8")).toContain("review:");
    },
  },
];
