import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { InputOutput } from "../src/core/stageSchemas.js";
import { withMeasurements } from "../src/goals/goalUpdate.js";
import { readGoal, readGoals, type Goal } from "../src/goals/goals.js";
import { completedText } from "../src/goals/completion.js";
import { addGoal } from "../src/goals/newGoal.js";
import { measureForGoal } from "../src/goals/measure.js";
import { goalOverview } from "../src/goals/overview.js";
import type { Reading } from "../src/goals/standing.js";
import { openWorkspace } from "../src/workspace/workspace.js";
import { daysAfter, sampleCopy, tempDir } from "./helpers.js";
import { passInProcess, withLeanos } from "./library.js";
import { runPass } from "../src/ops/pass.js";
import { passWorldOf } from "../src/ops/passWorld.js";

// A thread's learning moves the goal it serves by what the event states: a won deal's recurring sum
// (a month's worth to MRR, a year's to ARR), one customer won, or the metric's value said outright.

const input = (...facts: Array<[InputOutput["facts"][number]["kind"], string, number?]>): InputOutput =>
  ({
    title: "A deal",
    summary: "A deal.",
    type: "sales",
    occurred_on: "2026-12-08",
    source: "contract",
    facts: facts.map(([kind, text, value]) => ({ kind, text, ...(value === undefined ? {} : { value }) })),
    organizations: [],
    people: [],
    segment: null,
  }) as InputOutput;

async function goalWith(criteria: string[], baselines: string[] = []): Promise<{ root: string; goal: Goal }> {
  const root = await tempDir("leanos-goal-progress-");
  const { file } = await addGoal(root, "USD", {
    objective: "Grow",
    deadline: "2027-03-31",
    criteria,
    baselines,
    today: "2026-12-07",
  });
  return { root, goal: await readGoal(root, file, "USD") };
}

const thread = "sales/elsaai-deal-closed";

/** A copy of the sample with the goal "ARR >= $5M by 2027-03-31", measured at `baseline` when it was set. */
async function arrGoalWorkspace(baseline: string): Promise<{ workspace: string; file: string }> {
  const workspace = await sampleCopy();
  const { file } = await addGoal(workspace, "USD", {
    objective: "ARR >= $5M by 2027-03-31",
    criteria: [],
    baselines: [baseline],
    today: "2026-11-20",
  });
  return { workspace, file };
}

/** The sample's closed deal, its decision, plan and first action accepted; its learning comes after the checks. */
async function closeTheDeal(workspace: string): Promise<void> {
  await withLeanos(workspace, { now: "2026-11-25" }, async (leanos) => {
    await leanos.event({ file: "events/01-elsaai-deal-closed.md" });
    for (let answer = 0; answer < 3; answer++) await leanos.approve(thread);
  });
}

const baseline = (goal: Goal): Reading[] =>
  goal.readings.map(({ date, metric, figure, source }) => ({ date, metric, figure, source }));

describe("what a thread measures for its goal", () => {
  it("adds a contract's monthly worth to MRR and its yearly worth to ARR, in the goal's currency", async () => {
    const { goal } = await goalWith(["MRR >= EUR 5,000", "ARR >= EUR 60,000"], ["MRR = EUR 1,000"]);
    const measured = measureForGoal(
      goal,
      input(["money", "EUR 48,000 12-month contract", 48000], ["money", "$20K setup fee", 20000]),
      "Maison Kaori signed a 12-month contract worth EUR 48,000.",
      baseline(goal),
      "2026-12-08",
      "USD",
    );
    expect(measured.map((entry) => [entry.metric, entry.figure.value, entry.basis])).toEqual([
      ["MRR", 5000, '€1,000 + €4,000 from "EUR 48,000 12-month contract", €48,000 over 12 months'],
      ["ARR", 48000, '€0 + €48,000 from "EUR 48,000 12-month contract", €48,000 over 12 months, x 12'],
    ]);
  });

  it("counts a customer won, takes a value the event states outright, and measures nothing it does not state", async () => {
    const { goal } = await goalWith(["Paying customers >= 85", "MRR >= $50,000"]);
    /** What a fact of the event measures for the goal, as [metric, value] pairs. */
    const measuring = (fact: string, value: number, text = "") =>
      measureForGoal(goal, input(["money", fact, value]), text, [], "2026-12-08", "USD").map((entry) => [
        entry.metric,
        entry.figure.value,
      ]);
    expect(measuring("$1.1M ARR", 1_100_000, "Ondine signed.")).toEqual([
      ["Paying customers", 1],
      ["MRR", 91666.67],
    ]);
    expect(measuring("MRR reached $48,500 in November", 48500)).toEqual([["MRR", 48500]]);
    expect(measuring("a $40K pilot budget", 40000, "A pilot started.")).toEqual([]);
  });

  it("is written into the goal's log once per thread, with the criteria and milestones it meets checked", async () => {
    const { root, goal } = await goalWith(["MRR >= EUR 5,000"], ["MRR = EUR 1,000"]);
    const text = await readFile(join(root, goal.file), "utf8");
    const measured = [
      {
        goal: goal.front.id,
        metric: "MRR",
        figure: { kind: "money" as const, value: 5000, currency: "EUR" },
        basis: "€1,000 + €4,000 from (a) contract",
      },
    ];
    const once = withMeasurements(text, goal, measured, "sales/kaori", "2026-12-08", "USD");
    const twice = withMeasurements(once, goal, measured, "sales/kaori", "2026-12-09", "USD");
    expect(twice.match(/sales\/kaori/g)).toHaveLength(1);
    expect(twice).toContain("- 2026-12-09: MRR = €5,000 (sales/kaori; €1,000 + €4,000 from a contract)\n");
    expect(twice).toContain("- [x] MRR >= €5,000");
    expect(twice).toContain("- [x] M1: MRR >= €2,000");
    expect(twice).toContain("- [ ] M4: Goal achieved");
  });
});

describe("a thread's learning moves the goal it serves", () => {
  it("links the closed deal to the ARR goal, and its learning writes ARR $4.76M into the goal, on track", async () => {
    const { workspace } = await arrGoalWorkspace("ARR = $3.66M");
    const opened = await openWorkspace(workspace);
    await closeTheDeal(workspace);
    const meta = JSON.parse(await readFile(join(workspace, "threads", thread, "meta.json"), "utf8")) as {
      goal_id: string;
    };
    expect(meta.goal_id).toBe("g-arr-5m");
    const today = new Date().toISOString().slice(0, 10);
    await passInProcess(workspace, `${daysAfter(today, 7)}T08:00:00Z`);
    await passInProcess(workspace, `${daysAfter(today, 30)}T08:00:00Z`);

    const goalFile = await readFile(join(workspace, "strategy", "goals", "active", "g-arr-5m.md"), "utf8");
    expect(goalFile).toMatch(
      /- \d{4}-\d{2}-\d{2}: ARR = \$4,760,000 \(sales\/elsaai-deal-closed; \$3,660,000 \+ \$1,100,000 from "\$1\.1M ARR"/,
    );
    const [overview] = await goalOverview(opened, daysAfter(today, 31), new Map([["g-arr-5m", [thread]]]));
    expect(overview!.standing.criteria[0]!.latest).toMatchObject({
      figure: { value: 4_760_000 },
      source: expect.stringContaining(thread),
    });
    const audit = await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8");
    expect(audit).toContain('"kind":"goal-measured"');
  });
});

describe("a goal file broken while a workspace is open", () => {
  it("stops the learning that would write into it, naming its line, and the learning runs again once it is mended", async () => {
    const { workspace, file } = await arrGoalWorkspace("ARR = $3.66M");
    await closeTheDeal(workspace);
    const today = new Date().toISOString().slice(0, 10);
    await passInProcess(workspace, `${daysAfter(today, 7)}T08:00:00Z`);
    const text = await readFile(join(workspace, file), "utf8");
    await withLeanos(workspace, { now: `${daysAfter(today, 30)}T08:00:00Z` }, async ({ runtime }) => {
      await writeFile(join(workspace, file), text.replace("deadline: 2027-03-31", "deadline: 2027-02-30"));
      await expect(runPass(passWorldOf(runtime))).rejects.toThrow(`${file}:7: invalid goal: deadline`);
    });
    const meta = JSON.parse(await readFile(join(workspace, "threads", thread, "meta.json"), "utf8")) as {
      state: string;
      error?: string;
    };
    expect(meta).toMatchObject({ state: "failed", error: expect.stringContaining(`${file}:7`) });
    expect(await readFile(join(workspace, file), "utf8")).not.toContain("ARR = $4,760,000");

    await writeFile(join(workspace, file), text);
    await withLeanos(workspace, { now: `${daysAfter(today, 30)}T08:00:00Z` }, ({ runtime }) => runtime.resume(thread));
    expect(await readFile(join(workspace, file), "utf8")).toContain("ARR = $4,760,000");
  });
});

describe("a goal whose every success criterion is met", () => {
  it("is completed as LeanOS completes one: status, subgoals, milestones, a log line", async () => {
    const { root, goal } = await goalWith(["MRR >= EUR 5,000"], ["MRR = EUR 1,000"]);
    const text = (await readFile(join(root, goal.file), "utf8")).replace(
      "None yet.\n",
      "#### SG1: Close two pilots\n- **Threads:** None yet\n- **Status:** in_progress\n",
    );
    const done = completedText(text, "2027-01-10", "sales/kaori");
    expect(done).toMatch(/^---\n[\s\S]*\nstatus: completed\n[\s\S]*\n---\n/);
    expect(done).toContain("- **Status:** completed");
    expect(done).not.toMatch(/- \[ \] M\d+:/);
    expect(done).toMatch(
      /## Log\n[\s\S]*- 2027-01-10: Goal completed: every success criterion met \(sales\/kaori\)\n$/,
    );
    // Its criteria are left as the measurements checked them.
    expect(done).toMatch(/- \[ \] MRR >= /);
  });

  it("moves to completed/ when a thread's learning meets the last one, and the move is audited", async () => {
    const { workspace } = await arrGoalWorkspace("ARR = $4M");
    await closeTheDeal(workspace);
    const today = new Date().toISOString().slice(0, 10);
    await passInProcess(workspace, `${daysAfter(today, 7)}T08:00:00Z`);
    await passInProcess(workspace, `${daysAfter(today, 30)}T08:00:00Z`);

    const goals = join(workspace, "strategy", "goals");
    expect(existsSync(join(goals, "active", "g-arr-5m.md"))).toBe(false);
    const done = await readFile(join(goals, "completed", "g-arr-5m.md"), "utf8");
    expect(done).toContain("status: completed");
    expect(done).toContain("- [x] ARR >= $5,000,000");
    expect(done).toContain(`Goal completed: every success criterion met (${thread})`);
    const audit = await readFile(join(workspace, ".leanos", "audit.jsonl"), "utf8");
    expect(audit).toContain('"kind":"goal-completed"');
    expect(audit).toContain('"file":"strategy/goals/completed/g-arr-5m.md"');
  });

  it("read where a crash left it in both folders, is the completed one", async () => {
    const { root, goal } = await goalWith(["MRR >= EUR 5,000"]);
    const text = await readFile(join(root, goal.file), "utf8");
    await mkdir(join(root, "strategy", "goals", "completed"), { recursive: true });
    await writeFile(
      join(root, "strategy", "goals", "completed", `${goal.front.id}.md`),
      completedText(text, "2027-01-10", "sales/kaori"),
    );
    expect((await readGoals(root, "USD", ["active"])).map((read) => read.front.id)).toEqual([]);
    expect((await readGoals(root, "USD")).map((read) => [read.front.id, read.front.status])).toEqual([
      [goal.front.id, "completed"],
    ]);
  });
});
