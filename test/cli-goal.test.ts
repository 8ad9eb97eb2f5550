import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sampleCopy } from "./helpers.js";

// `leanos goal add` writes a goal in LeanOS's layout; `leanos goal` says where each stands, from the
// measurement rows of ops/metrics/*.yaml.

describe("leanos goal", () => {
  it("sets a goal from its objective, then reads its progress from the metrics file", async () => {
    const workspace = await sampleCopy();
    const at = (now: string, ...args: string[]) => runCli(["--workspace", workspace, "--now", now, ...args]);

    const added = await at(
      "2026-12-07",
      "goal",
      "add",
      "MRR >= EUR 5,000 by 2027-03-31",
      "--baseline",
      "MRR = EUR 1,000",
    );
    expect(added.stdout.trim()).toBe("goal g-mrr-5k set: strategy/goals/active/g-mrr-5k.md");
    const file = await readFile(join(workspace, "strategy", "goals", "active", "g-mrr-5k.md"), "utf8");
    expect(file).toMatch(
      /^---\nid: g-mrr-5k\ntype: business\nstatus: active\nautonomy: hybrid\ncreated: 2026-12-07\ndeadline: 2027-03-31\n/,
    );
    expect(file).toContain("## Success Criteria\n- [ ] MRR >= €5,000\n");
    expect(file).toContain("- [ ] M2: MRR >= €3,000 (by 2027-02-02)");
    expect(file).toContain("- 2026-12-07: MRR = €1,000 (baseline)");

    expect((await at("2026-12-08", "goal")).stdout).toContain("g-mrr-5k  MRR >= EUR 5,000 by 2027-03-31  unmeasured");
    await appendFile(
      join(workspace, "ops", "metrics", "2026-11.yaml"),
      "- { date: 2026-12-28, metric: MRR, value: 2200, currency: EUR }\n",
    );
    const listed = await at("2026-12-28", "--json", "goal");
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      {
        id: "g-mrr-5k",
        standing: "on track",
        criteria: [
          { latest: { date: "2026-12-28", value: "€2,200", source: "ops/metrics/2026-11.yaml" }, progress: 0.3 },
        ],
      },
    ]);
    expect((await at("2027-03-20", "goal")).stdout).toContain("off track");
  });

  it("refuses a goal it cannot measure or date, and one whose id is taken", async () => {
    const workspace = await sampleCopy();
    const add = (...args: string[]) =>
      runCli(["--workspace", workspace, "--now", "2026-12-07", "goal", "add", ...args]);
    const undated = await add("Grow", "--criterion", "MRR >= EUR 5,000", "--deadline", "2027-02-30");
    expect([undated.exitCode, undated.stderr]).toEqual([
      2,
      expect.stringContaining("--deadline 2027-02-30: expected a calendar date"),
    ]);
    const vague = await add("Grow a lot by 2027-03-31");
    expect([vague.exitCode, vague.stderr]).toEqual([2, expect.stringContaining("a success criterion with a number")]);
    expect((await add("MRR >= EUR 5,000 by 2027-03-31")).exitCode).toBe(0);
    const again = await add("MRR >= EUR 5,000 by 2027-03-31");
    expect([again.exitCode, again.stderr]).toEqual([2, expect.stringContaining("a goal g-mrr-5k exists already")]);
  });
});
