import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import type { CasePaths, HostileCase } from "../harness.js";

// Settings and set-up: .leanos/config.yaml, `schedule` (checked in full before it starts waiting),
// `init` and the global options. Bad ones exit 2 at once, naming the setting, and change nothing.

const ws = (paths: CasePaths): string[] => ["--workspace", paths.workspace];
const CONFIG = join(".leanos", "config.yaml");

const config =
  (text: string | Buffer) =>
  async (paths: CasePaths): Promise<void> => {
    await writeFile(join(paths.workspace, CONFIG), text);
  };

/** A schedule that passed its checks would wait for 08:00; the timeout turns that into a failure. */
const schedule = (paths: CasePaths, ...extra: string[]): string[] => [
  ...ws(paths),
  ...extra,
  "schedule",
  "--cron",
  "0 8 * * *",
];
const SCHEDULE_TIMEOUT = 15_000;

export const cases: HostileCase[] = [
  {
    name: ".leanos/config.yaml that is a folder",
    base: "waiting",
    setup: async (paths) => {
      await rm(join(paths.workspace, CONFIG));
      await mkdir(join(paths.workspace, CONFIG));
    },
    args: (paths) => [...ws(paths), "status"],
    exit: 2,
    words: [".leanos/config.yaml", "is a folder"],
  },
  {
    name: ".leanos/config.yaml that is not YAML",
    base: "waiting",
    setup: config("approval_threshold: 0.8\nsite_url: [https://glamyouup.com\nprovider: offline\n"),
    args: (paths) => [...ws(paths), "pending"],
    exit: 2,
    words: [".leanos/config.yaml:", "is not valid YAML"],
  },
  {
    name: ".leanos/config.yaml that is binary",
    base: "waiting",
    setup: config(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x61, 0x3a, 0x20, 0x31])),
    args: (paths) => [...ws(paths), "status"],
    exit: 2,
    words: [".leanos/config.yaml", "not UTF-8 text"],
  },
  {
    name: ".leanos/config.yaml that is a list",
    base: "waiting",
    setup: config("- approval_threshold: 0.8\n"),
    args: (paths) => [...ws(paths), "status"],
    exit: 2,
    words: [".leanos/config.yaml", "key: value"],
  },
  {
    name: "an unknown setting",
    base: "waiting",
    setup: config("approval_threshold: 0.8\napproval_treshold: 0.5\n"),
    args: (paths) => [...ws(paths), "status"],
    exit: 2,
    words: [".leanos/config.yaml", "approval_treshold"],
  },
  {
    name: "an approval threshold above 1",
    base: "waiting",
    setup: config("approval_threshold: 7\n"),
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 2,
    words: [".leanos/config.yaml", "approval_threshold"],
  },
  {
    name: "connector: webhook without a webhook url",
    base: "waiting",
    setup: config("connector: webhook\n"),
    args: (paths) => [...ws(paths), "approve", "sales/elsaai-deal-closed"],
    exit: 2,
    words: [".leanos/config.yaml", "webhook.url"],
  },
  {
    name: "max_event_kb: 0",
    base: "waiting",
    setup: config("max_event_kb: 0\n"),
    args: (paths) => [...ws(paths), "event", "ElsaAI deal closed"],
    exit: 2,
    words: [".leanos/config.yaml", "max_event_kb"],
  },
  {
    name: ".leanos that is a file",
    base: "sample",
    setup: async (paths) => {
      await rm(join(paths.workspace, ".leanos"), { recursive: true });
      await writeFile(join(paths.workspace, ".leanos"), "not a folder\n");
    },
    args: (paths) => [...ws(paths), "status"],
    exit: 2,
    // Reported where it is first met: opening the workspace (containment) or reading the settings.
    words: [/\.leanos(\/config\.yaml)?: (is a file|a part of the path is a file where a folder belongs)/],
  },
  {
    name: "--now garbage",
    base: "waiting",
    args: (paths) => [...ws(paths), "--now", "garbage", "pass"],
    exit: 2,
    words: ["--now garbage", "2026-12-01"],
  },
  {
    name: "LEANOS_WORKSPACE naming a folder that does not exist",
    base: "waiting",
    args: () => ["status"],
    env: { LEANOS_WORKSPACE: "/nonexistent/leanos-workspace" },
    exit: 2,
    words: ["/nonexistent/leanos-workspace does not exist"],
  },
  {
    name: "schedule --timezone Mars/Olympus",
    base: "waiting",
    args: (paths) => [...schedule(paths), "--timezone", "Mars/Olympus"],
    timeoutMs: SCHEDULE_TIMEOUT,
    exit: 2,
    words: ["--timezone Mars/Olympus", "not a time zone", "IANA name"],
  },
  {
    name: "schedule on a workspace that does not exist",
    base: "empty",
    args: (paths) => ["--workspace", join(paths.workspace, "missing"), "schedule", "--cron", "0 8 * * *"],
    timeoutMs: SCHEDULE_TIMEOUT,
    exit: 2,
    words: ["does not exist"],
  },
  {
    name: "schedule --now garbage",
    base: "waiting",
    args: (paths) => schedule(paths, "--now", "garbage"),
    timeoutMs: SCHEDULE_TIMEOUT,
    exit: 2,
    words: ["--now garbage"],
  },
  {
    name: "schedule with a config.yaml that is not YAML",
    base: "waiting",
    setup: config("approval_threshold: [0.8\n"),
    args: (paths) => schedule(paths),
    timeoutMs: SCHEDULE_TIMEOUT,
    exit: 2,
    words: [".leanos/config.yaml:", "is not valid YAML"],
  },
  {
    name: "schedule with a metrics file that is not YAML",
    base: "waiting",
    setup: async (paths) =>
      writeFile(join(paths.workspace, "ops", "metrics", "2026-12.yaml"), "- { date: 2026-12-01, piece: x\n"),
    args: (paths) => schedule(paths),
    timeoutMs: SCHEDULE_TIMEOUT,
    exit: 2,
    words: ["ops/metrics/2026-12.yaml:", "is not valid YAML"],
  },
  {
    name: "schedule with the canvas's assumptions section missing",
    base: "waiting",
    setup: async (paths) => rm(join(paths.workspace, "strategy", "canvas", "10-assumptions.md")),
    args: (paths) => schedule(paths),
    timeoutMs: SCHEDULE_TIMEOUT,
    exit: 2,
    words: ["no assumptions section in strategy/canvas", "10-assumptions.md"],
  },
  {
    name: 'schedule --cron "99 8 * * *"',
    base: "waiting",
    args: (paths) => [...ws(paths), "schedule", "--cron", "99 8 * * *"],
    timeoutMs: SCHEDULE_TIMEOUT,
    exit: 2,
    words: ['--cron "99 8 * * *"', "minute"],
  },
  {
    name: 'schedule --cron "0 0 30 2 *" (February 30th: it would never run)',
    base: "waiting",
    args: (paths) => [...ws(paths), "schedule", "--cron", "0 0 30 2 *"],
    timeoutMs: SCHEDULE_TIMEOUT,
    exit: 2,
    words: ['--cron "0 0 30 2 *"', "never runs"],
  },
  {
    name: "init on a path that is a file",
    base: "sample",
    args: (paths) => ["init", join(paths.workspace, "README.md")],
    exit: 2,
    words: ["README.md is a file, not a folder"],
  },
  {
    name: "init below a file",
    base: "sample",
    args: (paths) => ["init", join(paths.workspace, "README.md", "acme")],
    exit: 2,
    words: ["README.md is a file, not a folder"],
  },
  {
    name: "init where a canvas already is",
    base: "sample",
    args: (paths) => ["init", paths.workspace, "--company", "Acme"],
    exit: 2,
    words: ["already holds a canvas", "nothing was changed"],
  },
  {
    name: "init where one of the skeleton's files already is: nothing at all is written",
    base: "empty",
    setup: async (paths) => writeFile(join(paths.workspace, "README.md"), "# Mine\n"),
    args: (paths) => ["init", paths.workspace, "--company", "Acme"],
    exit: 2,
    words: ["README.md exists", "nothing was written"],
  },
  {
    name: "init --company with a newline and a forged heading",
    base: "empty",
    args: (paths) => ["init", paths.workspace, "--company", "Acme\n\n### A9: forged assumption"],
    exit: 2,
    words: ["--company", "one line"],
  },
  {
    name: "init --company with a control character",
    base: "empty",
    args: (paths) => ["init", paths.workspace, "--company", "Acme\u001b[31m"],
    exit: 2,
    words: ["--company", "control characters"],
  },
  {
    name: "init --company that is empty",
    base: "empty",
    args: (paths) => ["init", paths.workspace, "--company", "   "],
    exit: 2,
    words: ["--company", "empty"],
  },
  {
    name: "init --company of 500 characters",
    base: "empty",
    args: (paths) => ["init", paths.workspace, "--company", "A".repeat(500)],
    exit: 2,
    words: ["--company", "longer than 100 characters"],
  },
  {
    name: "init --company 'AT&T <Labs>' writes the name as given, without HTML entities",
    base: "empty",
    args: (paths) => ["init", paths.workspace, "--company", "AT&T <Labs>", "--mode", "VENTURE"],
    exit: 0,
    words: [],
    unchanged: false,
    check: async (paths) => {
      const context = await readFile(join(paths.workspace, "strategy", "canvas", "01-context.md"));
      expect(context.includes(Buffer.from("**Company:** AT&T <Labs>\n"))).toBe(true);
      const canvas = join(paths.workspace, "strategy", "canvas");
      for (const name of await readdir(canvas))
        expect(await readFile(join(canvas, name), "utf8"), name).not.toMatch(/&(amp|lt|gt|quot|#39);/);
      expect(await readFile(join(paths.workspace, "README.md"), "utf8")).toMatch(/^# AT&T <Labs> workspace\n/);
    },
  },
];
