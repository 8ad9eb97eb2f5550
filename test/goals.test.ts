import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCriterion, showCriterion } from "../src/goals/criterion.js";
import { readGoal, type Goal } from "../src/goals/goals.js";
import { readingsFor } from "../src/goals/readings.js";
import { goalStanding, type Reading } from "../src/goals/standing.js";
import { FileProblem } from "../src/errors.js";
import { tempDir } from "./helpers.js";

// Goals as LeanOS lays them out (strategy/goals/{active,completed,abandoned}/g-*.md): criteria with
// numbers, read from the file; where a goal stands, from the values measured for its metrics.

const GOAL = (front: Partial<Record<string, string>> = {}, criteria = ["- [ ] MRR >= EUR 5,000"]): string => {
  const fields = {
    id: "g-mrr-5k",
    type: "business",
    status: "active",
    autonomy: "hybrid",
    created: "2026-12-07",
    deadline: "2027-03-31",
    ...front,
  };
  return [
    "---",
    ...Object.entries(fields).map(([key, value]) => `${key}: ${value}`),
    "---",
    "",
    "# MRR of EUR 5,000",
    "",
    "## Objective",
    "MRR >= EUR 5,000 by 2027-03-31",
    "",
    "## Success Criteria",
    ...criteria,
    "",
    "### Milestones",
    "- [ ] M1: MRR >= €2,000 (by 2027-01-04)",
    "",
    "## Log",
    "- 2026-12-07: Goal created",
    "- 2026-12-07: MRR = €1,000 (baseline)",
    "",
  ].join("\n");
};

async function goalIn(text: string, folder = "active", name = "g-mrr-5k.md"): Promise<{ root: string; file: string }> {
  const root = await tempDir("leanos-goals-");
  await mkdir(join(root, "strategy", "goals", folder), { recursive: true });
  const file = join("strategy", "goals", folder, name);
  await writeFile(join(root, file), text);
  return { root, file };
}

async function refusal(text: string, folder?: string, name?: string): Promise<FileProblem> {
  const { root, file } = await goalIn(text, folder, name);
  const error = await readGoal(root, file, "EUR").catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(FileProblem);
  return error as FileProblem;
}

describe("a success criterion", () => {
  it("is a metric, a comparison and a figure: a sum keeps its currency, a share its percent", () => {
    expect(parseCriterion("MRR >= EUR 5,000", "USD")).toEqual({
      metric: "MRR",
      comparison: ">=",
      target: { kind: "money", value: 5000, currency: "EUR" },
    });
    expect(parseCriterion("ARR ≥ $1.2M", "CAD")).toMatchObject({ target: { value: 1_200_000, currency: "CAD" } });
    expect(parseCriterion("SMB logo churn < 1.5%", "USD")).toEqual({
      metric: "SMB logo churn",
      comparison: "<",
      target: { kind: "percent", value: 1.5 },
    });
    expect(parseCriterion("Followers >= 10k", "USD")).toMatchObject({ target: { kind: "number", value: 10_000 } });
    expect(showCriterion(parseCriterion("MRR >= EUR 5,000", "USD") as never)).toBe("MRR >= €5,000");
  });

  it("is refused, saying why, without a comparison or a figure", () => {
    expect(parseCriterion("grow MRR a lot", "USD")).toMatchObject({ problem: expect.stringContaining("a comparison") });
    expect(parseCriterion("MRR >= plenty", "USD")).toMatchObject({
      problem: expect.stringContaining('"plenty" is not a figure'),
    });
  });
});

describe("a goal file", () => {
  it("is read: front-matter, title, criteria, milestones and the values its log records", async () => {
    const { root, file } = await goalIn(GOAL());
    const goal = await readGoal(root, file, "EUR");
    expect(goal.front).toMatchObject({ id: "g-mrr-5k", autonomy: "hybrid", deadline: "2027-03-31", canvas_refs: [] });
    expect(goal.title).toBe("MRR of EUR 5,000");
    expect(goal.criteria.map((line) => [showCriterion(line.criterion), line.line])).toEqual([["MRR >= €5,000", 16]]);
    expect(goal.milestones).toEqual([
      { name: "M1", text: "MRR >= €2,000", by: "2027-01-04", checked: false, line: 19 },
    ]);
    expect(goal.readings).toEqual([
      {
        date: "2026-12-07",
        metric: "MRR",
        figure: { kind: "money", value: 1000, currency: "EUR" },
        source: "baseline",
        line: 23,
      },
    ]);
  });

  it("with an impossible date is refused, naming the file's line", async () => {
    const problem = await refusal(GOAL({ deadline: "2027-02-30" }));
    expect(problem.message).toContain("not a calendar date");
    expect(problem.line).toBe(7);
  });

  it("is refused when it is due before it was set, kept in another status's folder, or named other than its id", async () => {
    expect((await refusal(GOAL({ deadline: "2026-01-01" }))).message).toContain(
      "on or after the day the goal was created",
    );
    expect((await refusal(GOAL(), "completed")).message).toContain("status: active, but the file is in completed/");
    expect((await refusal(GOAL(), "active", "g-other.md")).message).toContain("must be the file's name");
  });

  it("is refused at the line of a criterion without a figure, or with no criterion at all", async () => {
    const problem = await refusal(GOAL({}, ["- [ ] MRR >= a lot"]));
    expect([problem.line, problem.message]).toEqual([16, expect.stringContaining('"a lot" is not a figure')]);
    expect((await refusal(GOAL({}, []))).message).toContain("no success criterion");
  });
});

describe("where a goal stands", () => {
  const goal = async (criteria?: string[]): Promise<Goal> => {
    const { root, file } = await goalIn(GOAL({}, criteria));
    return readGoal(root, file, "EUR");
  };
  const mrr = (date: string, value: number, currency = "EUR"): Reading => ({
    date,
    metric: "mrr",
    figure: { kind: "money", value, currency },
    source: "ops/metrics/2026-12.yaml",
  });

  it("is on track when the pace since the goal was set reaches the target by the deadline", async () => {
    const standing = goalStanding(
      await goal(),
      [...readingsFor(await goal(), [], "EUR"), mrr("2026-12-28", 2200)],
      "2026-12-28",
    );
    expect(standing.standing).toBe("on track");
    expect(standing.reason).toBe(
      "MRR €2,200 of €5,000 on 2026-12-28, 30% of the way; at this pace €7,514 by 2027-03-31",
    );
  });

  it("is at risk when the pace falls short, off track with two weeks or less left or past the deadline, met when reached", async () => {
    const set = await goal();
    const readings = [...readingsFor(set, [], "EUR"), mrr("2026-12-28", 1300)];
    expect(goalStanding(set, readings, "2027-01-05").standing).toBe("at risk");
    expect(goalStanding(set, readings, "2027-03-20").standing).toBe("off track");
    expect(goalStanding(set, readings, "2027-04-01").reason).toContain("the deadline 2027-03-31 has passed");
    expect(goalStanding(set, [...readings, mrr("2027-02-01", 5100)], "2027-02-02").standing).toBe("met");
  });

  it("is unmeasured until a value is measured after it was set; a sum in another currency does not count", async () => {
    const set = await goal();
    expect(goalStanding(set, readingsFor(set, [], "EUR"), "2026-12-20").standing).toBe("unmeasured");
    expect(
      goalStanding(set, [...readingsFor(set, [], "EUR"), mrr("2026-12-28", 9000, "USD")], "2026-12-29").standing,
    ).toBe("unmeasured");
  });

  it("reads a falling metric from its first measured value, and a goal stands as its worst criterion", async () => {
    const set = await goal(["- [ ] MRR >= EUR 5,000", "- [ ] Churn < 1.5%"]);
    const churn = (date: string, value: number): Reading => ({
      date,
      metric: "Churn",
      figure: { kind: "percent", value },
      source: "x",
    });
    const standing = goalStanding(
      set,
      [mrr("2026-12-07", 1000), mrr("2027-01-07", 5200), churn("2026-12-07", 2.1), churn("2027-01-07", 2.0)],
      "2027-01-07",
    );
    expect(standing.criteria.map((criterion) => criterion.standing)).toEqual(["met", "at risk"]);
    expect(standing.standing).toBe("at risk");
  });

  it("takes a measurement row without a currency in the workspace's currency", async () => {
    const set = await goal();
    const readings = readingsFor(
      set,
      [{ date: "2026-12-28", metric: "MRR", value: 2200, file: "ops/metrics/2026-12.yaml" }],
      "EUR",
    );
    expect(readings[0]).toMatchObject({ figure: { kind: "money", value: 2200, currency: "EUR" } });
  });
});
