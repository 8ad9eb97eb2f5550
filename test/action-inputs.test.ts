import { existsSync } from "node:fs";
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import { findingsIn } from "../src/actions/findings.js";
import { readEvent } from "../src/stages/readEvent.js";
import { Runtime, type ThreadResult } from "../src/runtime/engine.js";
import { initWorkspace, workspaceNotes } from "../src/ops/init.js";
import { sampleCopy, sampleWorkspace, tempDir } from "./helpers.js";

// An AI action that lacks what it works from does not close on an empty result: it waits for a
// person, and the question says what is missing and what to add. The person adds it and accepts (the
// action runs again with it), reports the outcome themselves, or rejects the action.

interface PlannedJson {
  id: string;
  type: string;
  status: string;
  outcome?: string;
  closing?: string;
  artifacts?: string[];
  checks_done?: number[];
}

async function withRuntime<T>(workspace: string, now: string, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await Runtime.open({ workspace, provider: "offline", now: () => new Date(now) });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Starts a sample event and accepts every stage gate on the way, up to the action engine. */
async function startThrough(runtime: Runtime, workspace: string, file: string, today: string): Promise<ThreadResult> {
  let result = await runtime.startEvent(await readEvent({ file: join(workspace, "events", file), today }));
  for (let step = 0; step < 6 && result.state === "waiting" && result.pending[0]!.kind !== "actions"; step += 1) {
    result = await runtime.answer(result.thread, { type: "accept", args: null, by: "bella" });
  }
  return result;
}

async function planOf(workspace: string, thread: string): Promise<PlannedJson[]> {
  const front = matter(
    await readFile(join(workspace, "threads", ...thread.split("/"), "5-actions", "execution-log.md"), "utf8"),
    {},
  ).data;
  return (front.output as { actions: PlannedJson[] }).actions;
}

async function logOf(workspace: string, thread: string): Promise<string> {
  return readFile(join(workspace, "threads", ...thread.split("/"), "5-actions", "execution-log.md"), "utf8");
}

const ledgerOf = (workspace: string, thread: string, name: string): string =>
  join(workspace, "threads", ...thread.split("/"), "5-actions", "ledger", name);

async function emptyIcps(workspace: string): Promise<void> {
  await rm(join(workspace, "research", "customer", "icp"), { recursive: true, force: true });
  await mkdir(join(workspace, "research", "customer", "icp"), { recursive: true });
}

describe("a lead with no ICP to score it against", () => {
  it("waits for a person, saying the ICP folder is empty and what to add; no score, no ledger, not closed", async () => {
    const workspace = await sampleCopy();
    await emptyIcps(workspace);
    const waiting = await withRuntime(workspace, "2026-11-27T09:00:00Z", (runtime) =>
      startThrough(runtime, workspace, "03-inbound-lead-atelier-rouge.md", "2026-11-27"),
    );

    expect(waiting.state).toBe("waiting");
    const item = waiting.pending[0]!;
    expect(item).toMatchObject({
      kind: "actions",
      action_id: "act-1",
      outcomes: ["fit", "poor-fit"],
      allowed: ["accept", "edit", "reject"],
    });
    expect(item.question).toContain(
      "no ICP to score the lead against: research/customer/icp/ is empty — add one {segment}-icp.yaml per segment, with segment:, criteria:",
    );
    expect(item.question).toContain("or report its outcome yourself: fit | poor-fit");
    const [intake] = await planOf(workspace, waiting.thread);
    expect(intake).toMatchObject({ type: "sales:lead-intake", status: "blocked" });
    expect(intake!.outcome).toBeUndefined();
    expect(intake!.closing).toBeUndefined();
    expect(existsSync(ledgerOf(workspace, waiting.thread, "act-1.json"))).toBe(false);
    // What was written for the person scores nothing: no 0 against a bar of 0.
    const score = await readFile(join(workspace, item.draft!), "utf8");
    expect(score).toContain(
      "No ICP score was computed for this lead (no ICP to score the lead against: research/customer/icp/ is empty)",
    );
    expect(score).not.toContain("Overall score");
    expect(await logOf(workspace, waiting.thread)).toContain(
      "act-1: waits for a person: no ICP to score the lead against: research/customer/icp/ is empty",
    );
  });

  it("refuses an accept while the folder is still empty; with the ICPs added, an accept scores the lead and the chain goes on", async () => {
    const workspace = await sampleCopy();
    await emptyIcps(workspace);
    const waiting = await withRuntime(workspace, "2026-11-27T09:00:00Z", (runtime) =>
      startThrough(runtime, workspace, "03-inbound-lead-atelier-rouge.md", "2026-11-27"),
    );

    await withRuntime(workspace, "2026-11-27T10:00:00Z", async (runtime) => {
      await expect(runtime.answer(waiting.thread, { type: "accept", args: null, by: "bella" })).rejects.toThrow(
        /still waits: no ICP to score the lead against: research\/customer\/icp\/ is empty/,
      );
    });
    expect((await planOf(workspace, waiting.thread))[0]!.status).toBe("blocked");

    await cp(join(sampleWorkspace, "research", "customer", "icp"), join(workspace, "research", "customer", "icp"), {
      recursive: true,
    });
    const next = await withRuntime(workspace, "2026-11-27T11:00:00Z", (runtime) =>
      runtime.answer(waiting.thread, { type: "accept", args: null, by: "bella" }),
    );

    const [intake, qualify] = await planOf(workspace, waiting.thread);
    expect(intake).toMatchObject({ status: "completed", outcome: "fit" });
    expect(qualify).toMatchObject({ type: "sales:qualify", status: "in_progress" });
    expect(next.pending[0]).toMatchObject({
      kind: "actions",
      action_id: "act-2",
      outcomes: ["qualified", "disqualified"],
    });
    const score = await readFile(join(workspace, intake!.artifacts![0]!), "utf8");
    expect(score).toMatch(/\*\*Overall score: 0\.\d+\*\* \(threshold 0\.6\)/);
    expect(score).toContain("- Segment: `luxury-fashion`");
    expect(await logOf(workspace, waiting.thread)).toContain("act-1: inputs added, says bella; runs again");
  });

  it("takes the outcome a person reports instead: theirs stands and routes as the template says", async () => {
    const workspace = await sampleCopy();
    await emptyIcps(workspace);
    const waiting = await withRuntime(workspace, "2026-11-27T09:00:00Z", (runtime) =>
      startThrough(runtime, workspace, "03-inbound-lead-atelier-rouge.md", "2026-11-27"),
    );
    await withRuntime(workspace, "2026-11-27T10:00:00Z", (runtime) =>
      runtime.answer(waiting.thread, {
        type: "edit",
        args: { action: "approve_actions", args: { outcome: "poor-fit" } },
        by: "bella",
      }),
    );
    const [intake] = await planOf(workspace, waiting.thread);
    expect(intake).toMatchObject({ status: "completed", outcome: "poor-fit", closing: "disqualified" });
    expect(await logOf(workspace, waiting.thread)).toContain('act-1: reported "poor-fit" by bella');
  });
});

/** The sample canvas with no evidence on record for any assumption: an investigation has nothing to cite. */
async function canvasWithoutEvidence(workspace: string): Promise<void> {
  const path = join(workspace, "strategy", "canvas", "10-assumptions.md");
  await writeFile(path, (await readFile(path, "utf8")).replace(/^\*\*Evidence:\*\* .*$/gm, "**Evidence:** none yet"));
}

describe("an investigation that finds nothing", () => {
  it("waits for a person instead of closing as inconclusive, naming the empty findings table", async () => {
    const workspace = await sampleCopy();
    await canvasWithoutEvidence(workspace);
    const waiting = await withRuntime(workspace, "2026-11-27T09:00:00Z", (runtime) =>
      startThrough(runtime, workspace, "06-competitor-launch-fitmirror.md", "2026-11-27"),
    );

    expect(waiting.state).toBe("waiting");
    const item = waiting.pending[0]!;
    expect(item).toMatchObject({
      kind: "actions",
      action_id: "act-1",
      outcomes: ["confirmed", "not-confirmed", "inconclusive"],
    });
    expect(item.question).toContain(
      `the investigation found nothing to report: the findings table of ${item.draft} is empty (the canvas holds no evidence on the assumptions it tests) — write what you found in that table, each finding with its source, and accept to record it`,
    );
    const [investigation] = await planOf(workspace, waiting.thread);
    expect(investigation).toMatchObject({ type: "business:investigate", status: "blocked" });
    expect(investigation!.outcome).toBeUndefined();
    expect(existsSync(join(workspace, "threads", ...waiting.thread.split("/"), "6-learning.md"))).toBe(false);
  });

  it("records the findings a person writes in the table on accept, as they wrote them, and goes on to learning", async () => {
    const workspace = await sampleCopy();
    await canvasWithoutEvidence(workspace);
    const waiting = await withRuntime(workspace, "2026-11-27T09:00:00Z", (runtime) =>
      startThrough(runtime, workspace, "06-competitor-launch-fitmirror.md", "2026-11-27"),
    );
    const draft = join(workspace, waiting.pending[0]!.draft!);

    await withRuntime(workspace, "2026-11-27T10:00:00Z", async (runtime) => {
      await expect(runtime.answer(waiting.thread, { type: "accept", args: null, by: "bella" })).rejects.toThrow(
        /still waits: the investigation found nothing to report/,
      );
    });

    const row =
      "| 3 Starter customers asked to match FitMirror's price | support tickets 4411, 4415, 4420 | price pressure on Starter | `exports/support-2026-11.csv` |";
    await writeFile(draft, (await readFile(draft, "utf8")).replace(/^\| \| \| \| \|$/m, row));
    const next = await withRuntime(workspace, "2026-11-27T11:00:00Z", (runtime) =>
      runtime.answer(waiting.thread, { type: "accept", args: null, by: "bella" }),
    );

    expect((await planOf(workspace, waiting.thread))[0]).toMatchObject({
      status: "completed",
      outcome: "inconclusive",
    });
    expect(await readFile(draft, "utf8")).toContain(row);
    expect(next.pending.every((pending) => pending.kind !== "actions")).toBe(true);
    expect(existsSync(join(workspace, "threads", ...waiting.thread.split("/"), "6-learning.md"))).toBe(true);
  });

  it("takes a reported outcome as the person's result: confirmed leads to the initiative a person decides on", async () => {
    const workspace = await sampleCopy();
    await canvasWithoutEvidence(workspace);
    const waiting = await withRuntime(workspace, "2026-11-27T09:00:00Z", (runtime) =>
      startThrough(runtime, workspace, "06-competitor-launch-fitmirror.md", "2026-11-27"),
    );
    const next = await withRuntime(workspace, "2026-11-27T10:00:00Z", (runtime) =>
      runtime.answer(waiting.thread, {
        type: "edit",
        args: { action: "approve_actions", args: { outcome: "confirmed" } },
        by: "bella",
      }),
    );
    const [investigation, initiative] = await planOf(workspace, waiting.thread);
    expect(investigation).toMatchObject({ status: "completed", outcome: "confirmed" });
    expect(initiative).toMatchObject({ type: "business:initiative" });
    expect(next.pending[0]).toMatchObject({ kind: "actions", action_id: "act-2" });
  });

  it("still closes where the canvas has evidence to cite: the findings table holds it, each with its source", async () => {
    const workspace = await sampleCopy();
    const done = await withRuntime(workspace, "2026-11-27T09:00:00Z", (runtime) =>
      startThrough(runtime, workspace, "06-competitor-launch-fitmirror.md", "2026-11-27"),
    );
    const [investigation] = await planOf(workspace, done.thread);
    expect(investigation).toMatchObject({ status: "completed", outcome: "inconclusive" });
    const rows = findingsIn(await readFile(join(workspace, investigation!.artifacts![0]!), "utf8"))!;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.at(-1)).toBe("`strategy/canvas/10-assumptions.md`");
  });
});

describe("findingsIn", () => {
  it("reads the filled rows under a Findings heading, not the template's blank one, and keeps escaped pipes in a cell", () => {
    const table = (rows: string) =>
      `# X\n\n## Findings (each with its source file)\n| Finding | Shows | Suggests | Source |\n|---|---|---|---|\n${rows}\n**Answer:** ______\n`;
    expect(findingsIn(table("| | | | |"))).toEqual([]);
    expect(findingsIn(table("| a \\| b | c | d | e |\n| | | | |"))).toEqual([["a \\| b", "c", "d", "e"]]);
    expect(findingsIn("# X\n\nNo table here.\n")).toBeUndefined();
  });
});

/** The sample's ops/metrics removed: the workspace keeps no figures at all. */
async function withoutMetrics(workspace: string): Promise<void> {
  await rm(join(workspace, "ops", "metrics"), { recursive: true, force: true });
}

/** The metric-drop event's thread, up to its measure's day-7 check on 2026-10-28 (started 2026-10-21). */
async function measuredOnDay7(workspace: string): Promise<ThreadResult> {
  const started = await withRuntime(workspace, "2026-10-21T08:00:00Z", (runtime) =>
    startThrough(runtime, workspace, "04-metric-drop-demo-conversion.md", "2026-10-21"),
  );
  expect(started.state).toBe("scheduled");
  const day7 = await withRuntime(workspace, "2026-10-28T08:00:00Z", (runtime) => runtime.advance(started.thread));
  return day7 as ThreadResult;
}

describe("a measure with no figures", () => {
  it("waits for a person at its check instead of recording an empty measurement, saying ops/metrics holds no rows", async () => {
    const workspace = await sampleCopy();
    await withoutMetrics(workspace);
    const day7 = await measuredOnDay7(workspace);

    expect(day7.state).toBe("waiting");
    const item = day7.pending[0]!;
    expect(item).toMatchObject({ kind: "actions", action_id: "act-2", outcomes: ["measured"] });
    expect(item.question).toContain(
      "no figures to measure: ops/metrics/ holds no rows — add the campaign's figures to ops/metrics/*.yaml",
    );
    const measure = (await planOf(workspace, day7.thread))[1]!;
    expect(measure).toMatchObject({ type: "marketing:measure", status: "blocked" });
    expect(measure.checks_done ?? []).toEqual([]);
    expect(existsSync(ledgerOf(workspace, day7.thread, "act-2-day7.json"))).toBe(false);
    expect(await readFile(join(workspace, item.draft!), "utf8")).toContain(
      "**Not measured: no figures to measure: ops/metrics/ holds no rows.**",
    );
  });

  it("runs the check once figures are added and accepted, then sleeps until the next one", async () => {
    const workspace = await sampleCopy();
    await withoutMetrics(workspace);
    const day7 = await measuredOnDay7(workspace);
    const slug = day7.thread.split("/")[1]!;

    await withRuntime(workspace, "2026-10-28T09:00:00Z", async (runtime) => {
      await expect(runtime.answer(day7.thread, { type: "accept", args: null, by: "bella" })).rejects.toThrow(
        /still waits: no figures to measure/,
      );
    });
    await mkdir(join(workspace, "ops", "metrics"), { recursive: true });
    await writeFile(
      join(workspace, "ops", "metrics", "2026-10.yaml"),
      `- { date: 2026-10-25, piece: ${slug}/demo-page, channel: web, sessions: 1200, demos: 9, conversions: 2 }\n`,
    );
    const next = await withRuntime(workspace, "2026-10-28T10:00:00Z", (runtime) =>
      runtime.answer(day7.thread, { type: "accept", args: null, by: "bella" }),
    );

    expect(next.state).toBe("scheduled");
    const measure = (await planOf(workspace, day7.thread))[1]!;
    expect(measure).toMatchObject({ status: "in_progress", checks_done: [7] });
    expect(new Set(measure.artifacts).size).toBe(measure.artifacts!.length);
    const record = await readFile(
      join(
        workspace,
        measure.artifacts!.find((path) => path.includes("day7"))!,
      ),
      "utf8",
    );
    expect(record).toContain("| 1200 | 9 | 2 | 0.75% |");
    expect(record).not.toContain("Not measured");
  });

  it("completes with the outcome a person reports, and the thread goes on to learning", async () => {
    const workspace = await sampleCopy();
    await withoutMetrics(workspace);
    const day7 = await measuredOnDay7(workspace);
    await withRuntime(workspace, "2026-10-28T09:00:00Z", (runtime) =>
      runtime.answer(day7.thread, {
        type: "edit",
        args: {
          action: "approve_actions",
          args: { outcome: "measured", note: "From the dashboard: 1,200 sessions, 9 demos" },
        },
        by: "bella",
      }),
    );
    const measure = (await planOf(workspace, day7.thread))[1]!;
    expect(measure).toMatchObject({ status: "completed", outcome: "measured" });
    expect(existsSync(join(workspace, "threads", ...day7.thread.split("/"), "6-learning.md"))).toBe(true);
  });
});

describe("leanos init", () => {
  it("says the ICP folder is empty and what to put there, in one line; nothing once an ICP is there", async () => {
    const dir = join(await tempDir(), "acme");
    const made = await initWorkspace(dir, { company: "Acme", mode: "BOOTSTRAP", git: false });
    expect(made.notes).toEqual([
      "research/customer/icp/ is empty: add one {segment}-icp.yaml per segment, with segment:, criteria: (each a name, a weight and signals) and disqualifiers:, or leads wait for you unscored.",
    ]);
    expect(await readdir(join(dir, "research", "customer", "icp"))).toEqual([]);
    await cp(
      join(sampleWorkspace, "research", "customer", "icp", "luxury-fashion-icp.yaml"),
      join(dir, "research", "customer", "icp", "luxury-fashion-icp.yaml"),
    );
    expect(workspaceNotes(dir)).toEqual([]);
  });
});
