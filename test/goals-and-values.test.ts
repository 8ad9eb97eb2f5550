import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sampleCopy } from "./helpers.js";

// One workspace with a goal, a spend ceiling and a discount limit (issue 31's done-means): an event
// that serves the goal is linked to it, a campaign over the ceiling is blocked before it runs, a
// decision that breaks a soft constraint waits for a person, and today shows the goal's standing.

const VALUES = `# Value Function

## Tier 1: Hard Constraints
- Financial: Monthly spend ceiling $3K — violating this reduces runway below survival threshold
- Commercial: No discount above 20% — below that the margin does not hold

## Tier 2: Soft Constraints
- Keep discounts at 10% or less — a bigger one needs a reason
`;

describe("a workspace with a goal and a value function", () => {
  it("links, blocks, asks and reports as the goal and the values say", async () => {
    const workspace = await sampleCopy({ autonomy: "threshold" });
    const at = (...args: string[]) => runCli(["--workspace", workspace, "--now", "2026-12-08", "--json", ...args]);
    expect((await at("goal", "add", "MRR >= EUR 5,000 by 2027-03-31", "--baseline", "MRR = EUR 1,000")).exitCode).toBe(
      0,
    );
    await writeFile(join(workspace, "strategy", "values.md"), VALUES);

    const deal = JSON.parse(
      (
        await at(
          "event",
          "Maison Kaori signed a 12-month contract worth EUR 48,000 on 2026-12-08. Source: the signed contract.",
        )
      ).stdout,
    ) as { thread: string };
    const meta = JSON.parse(
      await readFile(join(workspace, "threads", ...deal.thread.split("/"), "meta.json"), "utf8"),
    ) as {
      goal_id: string;
    };
    expect(meta.goal_id).toBe("g-mrr-5k");
    expect(JSON.parse((await at("goal")).stdout)).toMatchObject([{ id: "g-mrr-5k", threads: [deal.thread] }]);

    const campaign = JSON.parse(
      (await at("event", "Marketing plan: launch a paid LinkedIn campaign with an ad budget of $5,000 this month."))
        .stdout,
    ) as { pending: Array<{ question: string }> };
    expect(campaign.pending[0]!.question).toContain(
      'blocked by the hard constraint "Financial: Monthly spend ceiling $3K"',
    );

    const renewal = JSON.parse(
      (await at("event", "Nordstil signed a 2-year renewal after asking for a 15% discount, which we granted.")).stdout,
    ) as { pending: Array<{ kind: string; question: string }> };
    expect(renewal.pending[0]).toMatchObject({
      kind: "impact",
      question: expect.stringContaining('it breaks the soft constraint "Keep discounts at 10% or less"'),
    });

    expect((await at("--quiet", "today")).exitCode).toBe(0);
    expect(await readFile(join(workspace, "ops", "today.md"), "utf8")).toMatch(
      /## Goals\n\n- \*\*g-mrr-5k\*\* MRR >= EUR 5,000 by 2027-03-31: \*\*\w[\w ]+\*\*\. MRR /,
    );
  });
});
