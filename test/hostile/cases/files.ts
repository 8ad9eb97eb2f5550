import { appendFile, mkdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { daysAfter } from "../../helpers.js";
import type { CasePaths, HostileCase } from "../harness.js";

// Files leanos reads that are broken: corrupt or truncated thread state, a checkpoint database that is
// not one, canvas sections that are folders, missing or binary, and data files that are not YAML.
// Each is refused with the file named (and the line, where there is one), and nothing is written.
// The canvas, skills and graph are checked by every command that opens the workspace for work
// (here `today`); pending and status read only the thread index and meta.json, so they answer fast.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];
const THREAD = join("threads", "sales", "elsaai-deal-closed");
const in_ = (paths: CasePaths, ...parts: string[]): string => join(paths.workspace, ...parts);

/** Replaces a workspace file with these bytes. */
const replace =
  (path: string, bytes: Buffer | string) =>
  async (paths: CasePaths): Promise<void> => {
    await writeFile(in_(paths, path), bytes);
  };

/** Replaces a workspace file with a folder of the same name. */
const folderInstead =
  (path: string) =>
  async (paths: CasePaths): Promise<void> => {
    await rm(in_(paths, path), { recursive: true, force: true });
    await mkdir(join(in_(paths, path), "inside"), { recursive: true });
  };

const BINARY = Buffer.from([
  0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x80, 0x81, 0x00, 0x3e, 0x00,
]);
/** A YAML line the parser stops at; its bytes must not be echoed back. */
const BAD_ROW = '- { date: 2026-11-20, piece: "elsaai-deal-closed/case-study" channel, sessions: 12 }\n';
const today = (): string => new Date().toISOString().slice(0, 10);

/** A goal file in LeanOS's layout, with these front-matter lines and this success criterion. */
const goalFile = (front: string, criterion = "MRR >= EUR 5,000"): string =>
  `---\nid: g-mrr-5k\ntype: business\nstatus: active\nautonomy: hybrid\n${front}\n---\n\n# MRR\n\n## Success Criteria\n- [ ] ${criterion}\n`;
const GOAL = join("strategy", "goals", "active", "g-mrr-5k.md");
const withGoal = (text: string) => async (paths: CasePaths) => {
  await mkdir(in_(paths, "strategy", "goals", "active"), { recursive: true });
  await writeFile(in_(paths, GOAL), text);
};

/** No line of stderr repeats the broken line of the file (the parser's dump of raw bytes is gone). */
const noDump = (line: string) => (_paths: CasePaths, outcome: { stderr: string }) => {
  expect(outcome.stderr).not.toContain(line.trim());
  expect(outcome.stderr.trimEnd().split("\n")).toHaveLength(1);
};

export const cases: HostileCase[] = [
  {
    name: "a truncated meta.json (status)",
    base: "waiting",
    setup: async (paths) => truncate(in_(paths, THREAD, "meta.json"), 40),
    args: (paths) => [...ws(paths), "status"],
    exit: 2,
    words: ["threads/sales/elsaai-deal-closed/meta.json", "not valid JSON"],
  },
  {
    name: "a corrupt meta.json (approve)",
    base: "waiting",
    setup: replace(join(THREAD, "meta.json"), '{"thread": "sales/elsaai-deal-closed", "state": waiting}'),
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 2,
    words: ["threads/sales/elsaai-deal-closed/meta.json", "not valid JSON"],
  },
  {
    // The record of what was shown is only a convenience: unreadable, it counts as nothing shown.
    name: "a .leanos/shown.json that is not JSON (approve): the question counts as never shown",
    base: "waiting",
    setup: replace(join(".leanos", "shown.json"), '{"version": 1, "shown": [{"thread": '),
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 2,
    words: ["has not been shown to you", "--interrupt", "--yes"],
  },
  {
    name: "a binary meta.json (pending)",
    base: "waiting",
    setup: replace(join(THREAD, "meta.json"), BINARY),
    args: (paths) => [...ws(paths), "pending"],
    exit: 2,
    words: ["threads/sales/elsaai-deal-closed/meta.json", "not UTF-8 text"],
  },
  {
    name: "a meta.json that is JSON but not a thread's",
    base: "waiting",
    setup: replace(join(THREAD, "meta.json"), '{"thread": "sales/elsaai-deal-closed"}'),
    args: (paths) => [...ws(paths), "status"],
    exit: 2,
    words: ["threads/sales/elsaai-deal-closed/meta.json", "state"],
  },
  {
    name: "checkpoints.sqlite that is not a database",
    base: "waiting",
    setup: replace(
      join(".leanos", "checkpoints.sqlite"),
      "this is a text file that someone saved over the checkpoint database\n".repeat(40),
    ),
    args: (paths) => [...ws(paths), "status"],
    exit: 1,
    words: [".leanos/checkpoints.sqlite is not a usable SQLite database", "SQLITE_NOTADB", "Move it aside"],
  },
  {
    name: "a truncated (malformed) checkpoints.sqlite",
    base: "waiting",
    setup: async (paths) => {
      const path = in_(paths, ".leanos", "checkpoints.sqlite");
      // Header and schema kept, the pages holding the checkpoints cut off.
      await writeFile(path, (await readFile(path)).subarray(0, 20_000));
    },
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 1,
    words: [".leanos/checkpoints.sqlite", "SQLITE_CORRUPT", "Move it aside"],
  },
  {
    name: "checkpoints.sqlite that is a folder",
    base: "waiting",
    setup: folderInstead(join(".leanos", "checkpoints.sqlite")),
    args: (paths) => [...ws(paths), "status"],
    exit: 2,
    words: [".leanos/checkpoints.sqlite", "is a folder"],
  },
  {
    name: "a canvas section that is a folder",
    base: "waiting",
    setup: folderInstead(join("strategy", "canvas", "05-problem.md")),
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["strategy/canvas/05-problem.md", "is a folder"],
  },
  {
    // Only the mode and the assumptions are required (a canvas is filled in phases); without its
    // assumptions an event has nothing to be read against.
    name: "the canvas's assumptions section missing",
    base: "waiting",
    setup: async (paths) => rm(in_(paths, "strategy", "canvas", "10-assumptions.md")),
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["no assumptions section in strategy/canvas", "looked for 10-assumptions.md, 10.assumptions.md"],
  },
  {
    name: "the business-mode file missing",
    base: "waiting",
    setup: async (paths) => rm(in_(paths, "strategy", "canvas", "00-business-model-mode.md")),
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["no mode section in strategy/canvas", "looked for 00-business-model-mode.md, 00.mode.md"],
  },
  {
    name: "a binary 10-assumptions.md: refused, not parsed as zero assumptions",
    base: "waiting",
    setup: replace(join("strategy", "canvas", "10-assumptions.md"), Buffer.concat([BINARY, BINARY, BINARY])),
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["strategy/canvas/10-assumptions.md", "not UTF-8 text"],
  },
  {
    name: "10-assumptions.md with NUL bytes",
    base: "waiting",
    setup: async (paths) => appendFile(in_(paths, "strategy", "canvas", "10-assumptions.md"), "\n\u0000\u0000\u0000\n"),
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["strategy/canvas/10-assumptions.md", "NUL byte"],
  },
  {
    name: "10-assumptions.md with no assumption in it",
    base: "waiting",
    setup: replace(join("strategy", "canvas", "10-assumptions.md"), "# 10. Assumptions\n\nTo be written.\n"),
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["10-assumptions.md:1", "holds no assumptions"],
  },
  {
    name: "a Latin-1 canvas section",
    base: "waiting",
    setup: replace(
      join("strategy", "canvas", "03-opportunity.md"),
      Buffer.from("# 3. Opportunity\n\nL'Or\xe9al and Herm\xe8s buy try-on.\n", "latin1"),
    ),
    args: (paths) => [...ws(paths), "event", "ElsaAI renewal signed: $1.3M ARR"],
    exit: 2,
    words: ["strategy/canvas/03-opportunity.md", "not UTF-8 text"],
  },
  {
    name: "a metrics file that is not YAML: the pass is refused before the due measurement runs",
    base: "scheduled",
    setup: async (paths) => appendFile(in_(paths, "ops", "metrics", "2026-11.yaml"), BAD_ROW),
    args: (paths) => [...ws(paths), "--now", daysAfter(today(), 7), "pass"],
    exit: 2,
    words: ["ops/metrics/2026-11.yaml:8", "is not valid YAML"],
    check: noDump(BAD_ROW),
  },
  {
    name: "a metrics file that is YAML but not a list of rows",
    base: "scheduled",
    setup: replace(join("ops", "metrics", "2026-12.yaml"), "date: 2026-12-01\nsessions: many\n"),
    args: (paths) => [...ws(paths), "--now", daysAfter(today(), 7), "pass"],
    exit: 2,
    words: ["ops/metrics/2026-12.yaml", "expected a list of rows"],
  },
  {
    name: "a goal file with an impossible date",
    base: "waiting",
    setup: withGoal(goalFile("created: 2026-12-07\ndeadline: 2027-02-30")),
    args: (paths) => [...ws(paths), "goal"],
    exit: 2,
    words: [`${GOAL}:7`, "deadline", "not a calendar date"],
  },
  {
    name: "a goal whose success criterion has no figure",
    base: "waiting",
    setup: withGoal(goalFile("created: 2026-12-07\ndeadline: 2027-03-31", "MRR >= a great deal")),
    args: (paths) => [...ws(paths), "goal"],
    exit: 2,
    words: [`${GOAL}:13`, '"a great deal" is not a figure'],
  },
  {
    name: "a measurement row with an impossible date: the pass is refused before it acts",
    base: "scheduled",
    setup: async (paths) =>
      appendFile(in_(paths, "ops", "metrics", "2026-11.yaml"), "- { date: 2026-11-31, metric: MRR, value: 4200 }\n"),
    args: (paths) => [...ws(paths), "--now", daysAfter(today(), 7), "pass"],
    exit: 2,
    words: ["ops/metrics/2026-11.yaml", "date", "not a calendar date"],
  },
  {
    name: "a value function with a hard constraint that does not parse: named, and nothing runs unchecked",
    base: "waiting",
    setup: replace(
      join("strategy", "values.md"),
      "# Value Function\n\n## Tier 1: Hard Constraints\n- Financial: Monthly spend ceiling $3K — runway\n- keep discounts sane\n",
    ),
    args: (paths) => [...ws(paths), "event", "Inbound demo request from Atelier Rouge, a luxury house in Lyon"],
    exit: 2,
    words: ["strategy/values.md:5", 'a hard constraint is written "Domain: constraint — why it is hard"'],
  },
  {
    name: "a precedent line with a pipe in its text",
    base: "waiting",
    setup: replace(
      join("strategy", "values.md"),
      "# Value Function\n\n## Decision Precedents\nPricing | A buyer asks for monthly | annual billing | Annual only | Cash first | 2026-12-07\n",
    ),
    args: (paths) => [...ws(paths), "values"],
    exit: 2,
    words: ["strategy/values.md:4", "expected 5 fields", "a pipe inside a field is written \\|"],
  },
  {
    name: "a binary metrics file",
    base: "scheduled",
    setup: replace(join("ops", "metrics", "2026-12.yaml"), BINARY),
    args: (paths) => [...ws(paths), "--now", daysAfter(today(), 7), "pass"],
    exit: 2,
    words: ["ops/metrics/2026-12.yaml", "not UTF-8 text"],
  },
  {
    name: "an ICP file that is not YAML (event)",
    base: "waiting",
    setup: async (paths) =>
      appendFile(in_(paths, "research", "customer", "icp", "luxury-fashion-icp.yaml"), 'criteria: "duplicate" key\n'),
    args: (paths) => [...ws(paths), "event", "Inbound demo request from Atelier Rouge, a luxury house in Lyon"],
    exit: 2,
    words: ["research/customer/icp/luxury-fashion-icp.yaml:74", "is not valid YAML"],
    check: noDump('criteria: "duplicate" key'),
  },
  {
    name: "an ICP file that is a folder",
    base: "waiting",
    setup: async (paths) => mkdir(in_(paths, "research", "customer", "icp", "outdoor-icp.yaml")),
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 2,
    words: ["research/customer/icp/outdoor-icp.yaml", "is a folder"],
  },
  {
    name: "a workspace skill that is binary",
    base: "waiting",
    setup: async (paths) => {
      await mkdir(in_(paths, "skills", "sales-teleport"), { recursive: true });
      await writeFile(in_(paths, "skills", "sales-teleport", "SKILL.md"), BINARY);
    },
    args: (paths) => [...ws(paths), "today"],
    exit: 2,
    words: ["skills/sales-teleport/SKILL.md", "not UTF-8 text"],
  },
  {
    name: "a workspace skill whose front-matter is not YAML",
    base: "waiting",
    setup: async (paths) => {
      await mkdir(in_(paths, "skills", "sales-teleport"), { recursive: true });
      await writeFile(
        in_(paths, "skills", "sales-teleport", "SKILL.md"),
        "---\nname: sales-teleport\ndescription: moves: leads\n---\nbody\n",
      );
    },
    args: (paths) => [...ws(paths), "today"],
    exit: 2,
    words: ["skills/sales-teleport/SKILL.md:3", "front-matter is not valid YAML"],
  },
  {
    name: "a workspace graph that is not YAML",
    base: "waiting",
    setup: async (paths) => {
      await mkdir(in_(paths, "graphs"), { recursive: true });
      await writeFile(in_(paths, "graphs", "causal-flow.yaml"), "nodes:\n  - skill: [causal-flow-input\n");
    },
    args: (paths) => [...ws(paths), "today"],
    exit: 2,
    words: ["graphs/causal-flow.yaml:", "not valid YAML"],
  },
];
