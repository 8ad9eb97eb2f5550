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
    // ops/today.md shows where each active goal stands, with why.
    expect((await at("2026-12-28T08:00:00Z", "--quiet", "today")).exitCode).toBe(0);
    expect(await readFile(join(workspace, "ops", "today.md"), "utf8")).toContain(
      "## Goals\n\n- **g-mrr-5k** MRR >= EUR 5,000 by 2027-03-31: **on track**. MRR €2,200 of €5,000 on 2026-12-28, 30% of the way; at this pace €7,514 by 2027-03-31. Next: M2 MRR >= €3,000 by 2027-02-02.\n",
    );
  });

  it("links an event to the goal it serves; a person unlinks or relinks it without a redraft", async () => {
    const workspace = await sampleCopy();
    const at = (...args: string[]) => runCli(["--workspace", workspace, "--now", "2026-11-20", ...args]);
    expect((await at("goal", "add", "ARR >= $5M by 2027-03-31")).exitCode).toBe(0);
    expect(
      (await at("--quiet", "event", "--file", join(workspace, "events", "01-elsaai-deal-closed.md"))).exitCode,
    ).toBe(0);
    const meta = async () =>
      JSON.parse(await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "meta.json"), "utf8")) as {
        goal_id: string | null;
        files: string[];
      };
    expect((await meta()).goal_id).toBe("g-arr-5m");
    expect(await readFile(join(workspace, "threads", "sales", "elsaai-deal-closed", "1-input.md"), "utf8")).toContain(
      "- Goal: g-arr-5m, the event names ARR, a criterion of g-arr-5m",
    );
    expect((await at("goal")).stdout).toContain("threads: sales/elsaai-deal-closed");

    const unlinked = await at("correct", "elsaai", "--edit", '{"goal":null}', "--reason", "a renewal, not new ARR");
    expect(unlinked.stdout).toContain("Unlinked sales/elsaai-deal-closed from its goal: nothing was drafted again.");
    expect((await meta()).goal_id).toBeNull();
    expect((await at("goal")).stdout).toContain("threads: none linked yet");
    const wrong = await at("correct", "elsaai", "--edit", '{"goal":"g-nope"}');
    expect([wrong.exitCode, wrong.stderr]).toEqual([2, expect.stringContaining("g-nope is not an active goal")]);
    expect((await at("correct", "elsaai", "--edit", '{"goal":"g-arr-5m"}')).stdout).toContain(
      "Linked sales/elsaai-deal-closed to goal g-arr-5m",
    );
    expect((await meta()).goal_id).toBe("g-arr-5m");
  });

  it("has every decision of a goal's threads wait for a person when the goal says ask, below the threshold too", async () => {
    const workspace = await sampleCopy({ autonomy: "threshold" });
    const at = (...args: string[]) => runCli(["--workspace", workspace, "--now", "2026-11-20", "--json", ...args]);
    const event =
      "The fit-accuracy guide campaign published on the blog brought 1,200 site sessions in its first week.";
    const free = await at("event", event);
    expect(JSON.parse(free.stdout)).toMatchObject({ pending: [] });

    const other = await sampleCopy({ autonomy: "threshold" });
    const there = (...args: string[]) => runCli(["--workspace", other, "--now", "2026-11-20", "--json", ...args]);
    expect((await there("goal", "add", "Site sessions >= 20,000 by 2027-03-31", "--autonomy", "ask")).exitCode).toBe(0);
    const asked = JSON.parse((await there("event", event)).stdout) as {
      pending: Array<{ kind: string; question: string }>;
    };
    expect(asked.pending).toEqual([
      expect.objectContaining({
        kind: "impact",
        question: expect.stringContaining(
          "it serves goal g-site-sessions-20k, whose autonomy is ask: every decision waits for a person",
        ),
      }),
    ]);
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
