import { cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, sampleCopy, tempDir } from "./helpers.js";
import { argumentsAsPrinted, leanosShell, WRONG_COMMAND, type Shell } from "./printedCommands.js";

// Every example a command's --help prints works when it is pasted into a shell as it stands. Each
// runs through bash -c, in its own copy of one home folder: ~/glamyouup is the sample workspace with
// the closed-deal event waiting at its decision, looked at with `leanos pending` (as a person does
// before answering), with a note.md to pipe in; it is the current folder. Every example must exit 0,
// with no sign that leanos did not understand it, and each leanos run must receive exactly the words
// the line shows (so "$40K" in double quotes, which the shell turns into "0K", fails). The few that
// cannot end that way say here what they must do instead.
//
// LEANOS_PRINTED=all (`npm run test:printed`, which .ci/run runs) tries every example; npm test tries
// the first example of each command's help (and of leanos --help), one flow per command.
const EVERY_EXAMPLE = process.env.LEANOS_PRINTED === "all";

interface Otherwise {
  /** The exit code and message of a refusal the README documents (no database at that address). */
  exit?: number;
  says?: RegExp;
  /** A command that runs until stopped: it is sent SIGTERM once its output matches. */
  until?: RegExp;
  /** It needs a service this test does not run: whatever answers at that address, the line must not be a usage error (exit 2). */
  needs?: string;
}

const OTHERWISE: Record<string, Otherwise> = {
  // No PostgreSQL runs here: the database is reported with its address, exit 1.
  "leanos migrate-store --to postgres://leanos@db.internal/leanos --workspace-id glamyouup": {
    exit: 1,
    says: /cannot use the PostgreSQL database postgres:\/\/leanos@db\.internal\/leanos/,
  },
  "LEANOS_DATABASE_URL=postgres://leanos@db.internal/leanos LEANOS_WORKSPACE_ID=glamyouup leanos migrate-store --to sqlite":
    { exit: 1, says: /cannot use the PostgreSQL database/ },
  // langgraphjs dev's own address; what listens there on a test machine is not known.
  "LANGGRAPH_API_KEY=$(leanos token bella) leanos --server http://127.0.0.1:2024 pending": {
    needs: "a LangGraph server serving the leanos graph at 127.0.0.1:2024",
  },
  // ID stands for an id leanos memory lists; the sample remembers nothing yet, so it is refused by name.
  "leanos memory forget ID   # ID: as leanos memory lists it": {
    exit: 2,
    says: /the memory holds nothing with the id "ID"/,
  },
  "leanos memory accept RULE # a proposed rule joins the memory": {
    exit: 2,
    says: /no proposed rule has the id "RULE"/,
  },
  "leanos memory reject RULE # a proposed rule is dropped": { exit: 2, says: /no proposed rule has the id "RULE"/ },
  // They serve or schedule until stopped.
  "leanos serve": { until: /http:\/\/127\.0\.0\.1:4321\// },
  "leanos serve --port 8080": { until: /http:\/\/127\.0\.0\.1:8080\// },
  "leanos serve --host 0.0.0.0   # prints a URL with ?token=...; every request needs it": { until: /\?token=/ },
  'leanos schedule --cron "0 8 * * *"     # a pass every morning at 8:00': { until: /next pass/ },
};

/** The lines of the `Example:`/`Examples:` block of a help text. */
function examplesIn(help: string): string[] {
  const lines = help.split("\n");
  const start = lines.findIndex((line) => /^Examples?:$/.test(line));
  if (start < 0) return [];
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("  ")) break;
    block.push(line.trim());
  }
  return block;
}

async function helpOf(command: string[]): Promise<string> {
  const help = await runCli([...command, "--help"]);
  expect(help.exitCode, help.stderr).toBe(0);
  return help.stdout;
}

describe("every --help example works as printed", () => {
  let home: string;
  let shell: Shell;
  let interruptId: string;
  const examples: Array<{ command: string; example: string }> = [];
  /** The examples tried: all of them, or the first of each command's help. */
  const tried: Array<{ command: string; example: string }> = [];
  /** Each example line once: one printed by several commands' help (leanos pending...) is run once, for all of them. */
  const add = (command: string, example: string): void => {
    if (EVERY_EXAMPLE || !tried.some((entry) => entry.command.split(", ").includes(command))) {
      const known = tried.find((entry) => entry.example === example);
      if (known) known.command = `${known.command}, ${command}`;
      else tried.push({ command, example });
    }
    const same = examples.find((entry) => entry.example === example);
    if (same) same.command = `${same.command}, ${command}`;
    else examples.push({ command, example });
  };

  beforeAll(async () => {
    shell = await leanosShell();
    home = await tempDir("leanos-home-");
    const workspace = join(home, "glamyouup");
    await cp(await sampleCopy(), workspace, { recursive: true });
    await writeFile(
      join(workspace, "note.md"),
      "Webinar follow-up: three demo requests from luxury retailers, one asking about white-label.\n",
    );
    const started = await runCli([
      "--workspace",
      workspace,
      "-q",
      "event",
      "--file",
      "events/01-elsaai-deal-closed.md",
    ]);
    expect(started.exitCode, started.stderr).toBe(0);
    const pending = await runCli(["--workspace", workspace, "--json", "pending"], { env: { LEANOS_USER: "bella" } });
    interruptId = (JSON.parse(pending.stdout) as Array<{ id: string }>)[0]!.id;

    const root = await helpOf([]);
    const listed = root.slice(root.indexOf("Commands:")).split("\n\n")[0]!;
    const names = listed
      .split("\n")
      .map((line) => /^ {2}([a-z][a-z-]*)\b/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined && name !== "help");
    expect(names).toEqual(
      expect.arrayContaining([
        "init",
        "event",
        "approve",
        "chat",
        "serve",
        "token",
        "migrate-store",
        "schedule",
        "demo",
      ]),
    );
    for (const example of examplesIn(root)) add("leanos", example);
    for (const name of names) {
      const found = examplesIn(await helpOf([name]));
      // Every command's help has an example (the command-line contract).
      expect(found.length, `leanos ${name} --help`).toBeGreaterThan(0);
      for (const example of found) add(`leanos ${name}`, example);
    }
  }, 120_000);

  it("finds the examples, and each exception above is still printed", () => {
    const printed = examples.map((entry) => entry.example);
    expect(printed.length).toBeGreaterThan(30);
    expect(printed).toEqual(expect.arrayContaining(Object.keys(OTHERWISE)));
  });

  it(
    "runs each one in a shell: no usage error, and the words reach leanos as printed",
    { timeout: 900_000 },
    async () => {
      const failures: string[] = [];
      for (const { command, example } of tried) {
        const otherwise = OTHERWISE[example] ?? {};
        // `--interrupt ID` is the one placeholder an example may hold: the id leanos pending --json shows.
        const line = example.replace(/--interrupt ID\b/, `--interrupt ${interruptId}`);
        const copy = await tempDir("leanos-home-");
        await cp(home, copy, { recursive: true });
        const run = await shell.run(line, {
          cwd: join(copy, "glamyouup"),
          home: copy,
          ...(otherwise.until ? { until: otherwise.until } : {}),
        });
        const where = `${command} --help: ${example}\n${run.output.trimEnd().split("\n").slice(-12).join("\n")}`;
        const stopped = otherwise.until !== undefined && (run.signal === "SIGTERM" || run.exitCode === 0);
        const ended = otherwise.until
          ? stopped
          : otherwise.needs
            ? run.exitCode !== 2
            : run.exitCode === (otherwise.exit ?? 0);
        if (!ended) failures.push(`exit ${run.exitCode ?? run.signal}: ${where}`);
        else if (otherwise.says && !otherwise.says.test(run.output))
          failures.push(`not the refusal expected: ${where}`);
        else if (WRONG_COMMAND.test(run.output)) failures.push(`leanos did not understand it: ${where}`);
        const printed = argumentsAsPrinted(line, copy);
        if (printed !== undefined && JSON.stringify(run.received) !== JSON.stringify(printed)) {
          failures.push(
            `the shell changed the words: printed ${JSON.stringify(printed)}, leanos received ${JSON.stringify(run.received)}: ${where}`,
          );
        }
      }
      expect(failures).toEqual([]);
    },
  );
});
