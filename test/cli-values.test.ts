import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sampleCopy } from "./helpers.js";

// A value function's hard constraints checked before any action runs: a campaign whose budget breaks
// the spend ceiling is blocked, with the constraint and the reason, whatever a person answers.

const VALUES = `# Value Function

## Tier 1: Hard Constraints
- Financial: Monthly spend ceiling $3K — violating this reduces runway below survival threshold
- Commercial: No discount above 20% — below that the margin does not hold
- Technical: No photo storage in the product database — an architectural commitment

## Tier 2: Soft Constraints
- Prefer annual contracts — the plan names an annual term
`;

describe("leanos and strategy/values.md", () => {
  it("has a decision that breaks a soft constraint wait for a person below the threshold, and shows its score", async () => {
    const event = "Nordstil signed a 2-year renewal after asking for a 15% discount, which we granted.";
    const decide = async (values?: string) => {
      const workspace = await sampleCopy({ autonomy: "threshold" });
      if (values) await writeFile(join(workspace, "strategy", "values.md"), values);
      const started = await runCli(["--workspace", workspace, "--now", "2026-11-25", "--json", "event", event]);
      expect(started.exitCode, started.stderr).toBe(0);
      const { thread, pending } = JSON.parse(started.stdout) as {
        thread: string;
        pending: Array<{ question: string }>;
      };
      const decision = await readFile(join(workspace, "threads", ...thread.split("/"), "4-decision.md"), "utf8");
      return { questions: pending.map((item) => item.question).join("\n"), decision };
    };
    const soft =
      "# Value Function\n\n## Tier 2: Soft Constraints\n- Keep discounts at 10% or less — a bigger one needs a reason\n- Prefer annual contracts — the plan names an annual term\n";
    const scored = await decide(soft);
    expect(scored.questions).toContain(
      'it breaks the soft constraint "Keep discounts at 10% or less" (strategy/values.md:4): the plan states a discount of 15%, over the limit of 10%',
    );
    expect(scored.decision).toContain(
      'Values: soft constraints score -1 of 2; breaks "Keep discounts at 10% or less" (strategy/values.md:4): the plan states a discount of 15%, over the limit of 10%; 1 in prose not judged by code.',
    );
    // The offline drafter says what it weighed, in the decision's rationale (its lines wrapped in the front-matter).
    expect(scored.decision.replace(/\s+/g, " ")).toContain(
      "Values: the offline drafter weighs only the constraints code can measure and the decision precedents; 1 constraint(s) in prose were not judged (S2).",
    );
    const unscored = await decide();
    expect(unscored.questions).not.toContain("soft constraint");
    expect(unscored.decision).not.toContain("Values:");
  });

  it("writes an answer marked as a precedent into the Decision Precedents, a pipe in its words kept", async () => {
    const workspace = await sampleCopy();
    await writeFile(join(workspace, "strategy", "values.md"), VALUES);
    const at = (...args: string[]) => runCli(["--workspace", workspace, "--now", "2026-11-25", ...args]);
    expect(
      (await at("--quiet", "event", "--file", join(workspace, "events", "01-elsaai-deal-closed.md"))).exitCode,
    ).toBe(0);
    const empty = await at("approve", "elsaai", "--yes", "--precedent", " ");
    expect([empty.exitCode, empty.stderr]).toEqual([2, expect.stringContaining("--precedent needs the principle")]);
    const principle = "Publish a luxury win | only once the customer signs off the numbers";
    const answered = await at("approve", "elsaai", "--yes", "--precedent", principle);
    expect(answered.exitCode, answered.stderr).toBe(0);
    const text = await readFile(join(workspace, "strategy", "values.md"), "utf8");
    expect(text).toContain(
      '## Decision Precedents\nSales | sales/elsaai-deal-closed: Approve the decision "PROCEED: capture the ElsaAI win and turn its evidence into a case study for the luxury-fashion segment" | accepted | Publish a luxury win \\| only once the customer signs off the numbers | 2026-11-25\n',
    );
    const values = JSON.parse((await at("--json", "values")).stdout) as { precedents: Array<{ principle: string }> };
    expect(values.precedents.map((precedent) => precedent.principle)).toEqual([principle]);
  });

  it("blocks an action of a plan whose budget breaks the spend ceiling, before it runs, with the constraint and why", async () => {
    const workspace = await sampleCopy();
    await writeFile(join(workspace, "strategy", "values.md"), VALUES);
    const at = (...args: string[]) => runCli(["--workspace", workspace, "--now", "2026-11-25", ...args]);

    const listed = (await at("values")).stdout;
    expect(listed).toContain(
      "H1  strategy/values.md:4  Financial: Monthly spend ceiling $3K\n      checked in code: spend at most USD 3,000 a month",
    );
    expect(listed).toContain(
      "H3  strategy/values.md:6  Technical: No photo storage in the product database\n      prose: a decision that acts under it waits for a person",
    );

    const event =
      "Marketing plan: launch a paid LinkedIn campaign for the fit-accuracy guide with an ad budget of $5,000 this month.";
    // Below the threshold, the decision still waits: it acts under a hard constraint in prose, which
    // nothing here judges (the offline drafter judges only what code measures).
    const started = await at("--json", "event", event);
    expect(started.exitCode, started.stderr).toBe(0);
    const { thread, pending: decision } = JSON.parse(started.stdout) as {
      thread: string;
      pending: Array<{ question: string; kind: string }>;
    };
    expect(decision.map((item) => item.kind)).toEqual(["impact"]);
    expect(decision[0]!.question).toContain(
      'it commits actions under the hard constraint in prose H3 "Technical: No photo storage in the product database" (strategy/values.md:6), which code cannot check: no drafter judged it (the offline drafter judges only what code can measure); a person confirms',
    );
    // Once a person takes the decision, the plan's first action is blocked by the measurable ceiling.
    const decided = await at("--json", "approve", thread, "--yes");
    expect(decided.exitCode, decided.stderr).toBe(0);
    const { pending } = JSON.parse(decided.stdout) as { pending: Array<{ question: string; action_id: string }> };
    expect(pending[0]!.question).toContain(
      'blocked by the hard constraint "Financial: Monthly spend ceiling $3K" (strategy/values.md:4; violating this reduces runway below survival threshold): the plan states a spend of $5,000, over the ceiling of USD 3,000 a month',
    );
    // A person's accept does not run it while the plan still breaks the constraint.
    const accepted = await at("approve", thread, "--yes");
    expect([accepted.exitCode, accepted.stderr]).toEqual([
      2,
      expect.stringContaining("still waits: blocked by the hard constraint"),
    ]);
    const ledger = join(
      workspace,
      "threads",
      ...thread.split("/"),
      "5-actions",
      "ledger",
      `${pending[0]!.action_id}.json`,
    );
    await expect(readFile(ledger, "utf8")).rejects.toThrow();
  });
});
