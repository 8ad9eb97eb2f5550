import { existsSync } from "node:fs";
import { cp, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { Runtime } from "../src/runtime/engine.js";
import { sampleCopy, tempDir } from "./helpers.js";
import { passInProcess, withLeanos } from "./library.js";
import { argumentsAsPrinted, commandsIn, leanosShell, WRONG_COMMAND, type Shell } from "./printedCommands.js";

// Every command a draft or a gate tells a person to run works as printed. Each sample flow below is
// walked gate by gate, as a person answers it. At each gate, the commands in backticks are collected
// from what the flow wrote since the last gate (the drafts, the artifacts and the thread's files)
// and from the question and description the gate puts; each is pasted into a shell (bash -c) in a
// copy of the workspace as it stands at that gate, after `leanos pending` (a person looks first). It
// must exit 0, be understood, and reach leanos word for word. ops/today.md is not a draft and is left out.
// npm test walks the closed deal; LEANOS_PRINTED=all (`npm run test:printed`, which .ci/run runs)
// walks the inbound lead and the lost deal too.
const EVERY_WALK = process.env.LEANOS_PRINTED === "all";

/** Every markdown file under artifacts/ and threads/, with its text. */
async function drafts(workspace: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    if (!existsSync(dir)) return;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(".md")) found.set(relative(workspace, path), await readFile(path, "utf8"));
    }
  };
  await walk(join(workspace, "artifacts"));
  await walk(join(workspace, "threads"));
  return found;
}

/** The question and description the gate puts now, as an inbox shows them. */
async function gateText(workspace: string, thread: string): Promise<string> {
  const runtime = await Runtime.open({ workspace });
  try {
    const payload = await runtime.pendingPayload(thread);
    return payload ? `${payload.leanos.question}\n${payload.description}` : "";
  } finally {
    await runtime.close();
  }
}

/** Runs each command in its own copy of the workspace; returns what went wrong. */
async function tryEach(shell: Shell, workspace: string, commands: ReadonlyMap<string, string>): Promise<string[]> {
  const failures: string[] = [];
  for (const [command, from] of commands) {
    const home = await tempDir("leanos-home-");
    const copy = join(home, "workspace");
    await cp(workspace, copy, { recursive: true });
    const looked = await shell.run("leanos pending", { cwd: copy, home });
    expect(looked.exitCode, looked.output).toBe(0);
    const run = await shell.run(command, { cwd: copy, home });
    const where = `${command}\n  printed by ${from}\n${run.output.trimEnd().split("\n").slice(-8).join("\n")}`;
    if (run.exitCode !== 0) failures.push(`exit ${run.exitCode}: ${where}`);
    else if (WRONG_COMMAND.test(run.output)) failures.push(`leanos did not understand it: ${where}`);
    const printed = argumentsAsPrinted(command, home);
    if (printed !== undefined && JSON.stringify(run.received) !== JSON.stringify(printed))
      failures.push(`the shell changed the words: ${JSON.stringify(run.received)}: ${where}`);
  }
  return failures;
}

/**
 * Walks a sample event's thread to its end: at each gate, tries the commands printed since the last
 * one, then answers as a person would (approve; report the first outcome where one is asked; a
 * scheduled step is run by a pass on its day). The walk itself goes through the library, in this
 * process; the commands tried are the CLI's. Returns the failures and how many commands were tried.
 */
async function walkTrying(eventFile: string): Promise<{ failures: string[]; tried: string[] }> {
  const shell = await leanosShell();
  const workspace = await sampleCopy();
  const { thread } = await withLeanos(workspace, { user: "bella" }, (leanos) =>
    leanos.event({ file: join("events", eventFile) }),
  );
  let seen = new Map<string, string>();
  const failures: string[] = [];
  const tried: string[] = [];
  for (let step = 0; step < 20; step += 1) {
    const status = JSON.parse(
      await readFile(join(workspace, "threads", ...thread.split("/"), "meta.json"), "utf8"),
    ) as {
      state: string;
      next_due: string | null;
    };
    if (status.state === "scheduled") {
      await passInProcess(workspace, `${status.next_due}T08:00:00Z`);
      continue;
    }
    if (status.state !== "waiting") {
      expect(status.state).toBe("done");
      return { failures, tried };
    }
    const [item] = await withLeanos(workspace, {}, ({ runtime }) => runtime.pending(thread));
    const now = await drafts(workspace);
    const commands = new Map<string, string>();
    for (const [path, text] of now) {
      if (seen.get(path) === text) continue;
      for (const command of commandsIn(text)) if (!commands.has(command)) commands.set(command, path);
    }
    for (const command of commandsIn(await gateText(workspace, thread)))
      if (!commands.has(command)) commands.set(command, `the ${item!.kind} gate's question`);
    failures.push(...(await tryEach(shell, workspace, commands)));
    tried.push(...commands.keys());
    seen = now;
    const outcomes = item!.outcomes ?? [];
    await withLeanos(workspace, { user: "bella" }, (leanos) =>
      leanos.approve(thread, outcomes.length > 1 ? { outcome: outcomes[0] } : undefined),
    );
  }
  throw new Error(`${thread} did not finish in 20 steps`);
}

describe("every command a draft or a gate prints works as printed", () => {
  it(
    "through the closed deal: the decision, publishing, promotion, the canvas change",
    { timeout: 600_000 },
    async () => {
      const { failures, tried } = await walkTrying("01-elsaai-deal-closed.md");
      expect(failures).toEqual([]);
      // The drafts to publish and promote tell the approver how to answer.
      expect(tried).toEqual(
        expect.arrayContaining([
          "leanos approve sales/elsaai-deal-closed",
          'leanos reject sales/elsaai-deal-closed --reason "not cleared for publication"',
        ]),
      );
    },
  );

  it.runIf(EVERY_WALK)(
    "through an inbound lead: qualify, demo, pilot and close, each reporting its outcome",
    { timeout: 600_000 },
    async () => {
      const { failures, tried } = await walkTrying("03-inbound-lead-atelier-rouge.md");
      expect(failures).toEqual([]);
      expect(tried).toEqual(
        expect.arrayContaining([
          `leanos approve sales/inbound-demo-request-atelier-rouge --edit '{"outcome":"disqualified"}'`,
        ]),
      );
    },
  );

  it.runIf(EVERY_WALK)(
    "through a lost deal: the investigation and the initiative a person carries out",
    { timeout: 600_000 },
    async () => {
      const { failures, tried } = await walkTrying("02-lost-deal-nordstil.md");
      expect(failures).toEqual([]);
      expect(tried.some((command) => /^leanos approve \S+ --edit '\{"outcome":"[a-z-]+"\}'$/.test(command))).toBe(true);
    },
  );
});
