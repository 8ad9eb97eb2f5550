import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventFile, runCli, sampleCopy } from "../helpers.js";

// A run killed after the gate wrote its question into meta.json and before LangGraph saved the
// interrupt: meta.json says the thread waits, the checkpoint says its run was cut short. Readers and
// the answer must agree on what waits: the question they list is the one an answer is taken for.

const EVENT = "01-elsaai-deal-closed.md";
const THREAD = "sales/elsaai-deal-closed";

/**
 * The step after which the decision gate's question is in meta.json but not yet in the checkpoint:
 * the decision stage is saved, the gate writes meta.json, and LangGraph saves the interrupt after.
 */
function askedButNotSaved(steps: string[]): number {
  const decision = steps.findIndex((line) => line.endsWith("/4-decision.md"));
  const stageSaved = steps.findIndex((line, index) => index > decision && line.endsWith(" checkpoint"));
  const interruptSaved = steps.findIndex((line, index) => index > stageSaved && line.endsWith(" checkpoint writes"));
  const asked = steps
    .map((line, index) => ({ line, index }))
    .filter(({ line, index }) => index > stageSaved && index < interruptSaved && line.endsWith(`${THREAD}/meta.json`))
    .at(-1)?.index;
  expect(asked, steps.join("\n")).toBeGreaterThan(stageSaved);
  return Number.parseInt(steps[asked!]!.split(" ")[0]!, 10);
}

describe("an answer to a question whose run was cut short", () => {
  let dir: string;
  let workspace: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "leanos-cut-short-"));
    const log = join(dir, "steps.log");
    const reference = await sampleCopy();
    const run = await runCli(["--workspace", reference, "--quiet", "event", "--file", eventFile(EVENT)], {
      env: { LEANOS_STEP_LOG: log },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const killAt = askedButNotSaved((await readFile(log, "utf8")).trim().split("\n"));
    workspace = await sampleCopy();
    const killed = await runCli(["--workspace", workspace, "--quiet", "event", "--file", eventFile(EVENT)], {
      env: { LEANOS_KILL_AT: String(killAt) },
    });
    expect(killed.exitCode).not.toBe(0);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is taken for the question pending and status list: the run is finished first, then answered", async () => {
    const pending = await runCli(["--workspace", workspace, "--json", "pending"]);
    const items = JSON.parse(pending.stdout) as Array<{ thread: string; id: string; node: string }>;
    expect(items.map((item) => item.thread)).toEqual([THREAD]);
    const status = await runCli(["--workspace", workspace, "--json", "status", THREAD]);
    expect((JSON.parse(status.stdout) as { state: string }).state).toBe("waiting");

    const approved = await runCli([
      "--workspace",
      workspace,
      "--json",
      "--quiet",
      "approve",
      THREAD,
      "--interrupt",
      items[0]!.id,
    ]);
    expect(approved.exitCode, approved.stderr).toBe(0);
    const after = JSON.parse(approved.stdout) as { pending: Array<{ node: string }> };
    expect(after.pending.map((item) => item.node)).not.toContain(items[0]!.node);
  }, 120_000);
});
