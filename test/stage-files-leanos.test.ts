import { readFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { afterEach, describe, expect, it } from "vitest";
import { parseFrontMatter } from "../src/files/frontMatter.js";
import { Runtime } from "../src/runtime/engine.js";
import { DecisionOutput } from "../src/core/stageSchemas.js";
import { sampleCopy } from "./helpers.js";

// A decision file in the shape of LeanOS's causal-flow-decision skill (front matter status,
// impact_score, human_flagged; sections scope, expected outcomes at 3, 6 and 12 months, success
// metrics, accountability), written by leanos and read back by gray-matter and by leanos's own reader.

const DEAL = "events/01-elsaai-deal-closed.md";
const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

describe("a LeanOS-shaped 4-decision.md", () => {
  it("round-trips: the front matter and the output agree, for gray-matter and for leanos", async () => {
    const workspace = await sampleCopy();
    let minute = 0;
    const runtime = await Runtime.open({
      workspace,
      provider: "offline",
      now: () => new Date(Date.UTC(2026, 10, 18, 9, minute++)),
    });
    opened.push(runtime);
    const text = matter(await readFile(join(workspace, DEAL), "utf8")).content;
    const started = await runtime.startEvent({ text, date: "2026-11-18", source: "contract" });
    const { thread } = await runtime.resolve(started.thread);
    const file = join(runtime.workspace.threadsDir, ...thread.split("/"), "4-decision.md");
    const written = await readFile(file, "utf8");

    const read = matter(written);
    const data = read.data as Record<string, unknown>;
    const decision = DecisionOutput.parse(data.output);

    // The front matter carries LeanOS's fields with LeanOS's value sets.
    expect(data.stage).toBe("decision");
    expect(["accepted", "rejected", "deferred"]).toContain(data.status);
    expect(data.status).toBe(decision.status);
    expect(decision.status).toBe(
      decision.verdict === "PROCEED" ? "accepted" : decision.verdict === "REJECT" ? "rejected" : "deferred",
    );
    expect(typeof data.impact_score).toBe("number");
    expect(data.impact_score).toBe(decision.impact_score);
    expect(["yes", "no"]).toContain(data.human_flagged);
    expect(data.human_flagged).toBe(decision.human_flagged ? "yes" : "no");

    // The record is filled from the thread: the implication's score, the plan's actions and owners.
    const implication = (
      matter(await readFile(join(runtime.workspace.threadsDir, ...thread.split("/"), "3-implication.md"), "utf8"))
        .data as { output: { impact_score: number } }
    ).output;
    expect(decision.impact_score).toBe(implication.impact_score);
    expect(decision.scope.includes).toEqual(decision.actions.map((action) => action.title));
    expect(decision.scope.excludes.length).toBeGreaterThanOrEqual(2);
    expect(decision.success_metrics.length).toBeGreaterThan(0);
    const metricsTable = await readFile(join(workspace, "strategy", "canvas", "13-metrics.md"), "utf8");
    for (const metric of decision.success_metrics) expect(metricsTable).toContain(`| ${metric.metric} |`);
    expect(decision.expected_outcomes.month_3.length).toBeGreaterThan(0);
    expect(decision.accountability?.execution_owner).toMatch(/ai|human/);

    // The body has LeanOS's sections, with the output's values in them.
    const body = read.content;
    for (const heading of [
      "## Scope",
      "## Expected Outcomes",
      "### 3-Month Outcomes",
      "### 6-Month Outcomes",
      "### 12-Month Outcomes",
      "## Success Metrics",
      "## Approval",
      "## Accountability",
    ]) {
      expect(body).toContain(`\n${heading}\n`);
    }
    expect(body).toContain("**Scope includes:**");
    expect(body).toContain("**Scope excludes:**");
    for (const include of decision.scope.includes) expect(body).toContain(`- ${include}`);
    for (const metric of decision.success_metrics) expect(body).toContain(`**${metric.metric}:** ${metric.target}`);
    expect(body).toContain(`**Human flagged:** ${data.human_flagged}`);
    expect(body).toContain(`**Impact Score:** ${decision.impact_score}`);
    expect(body).toContain(`**Decision Owner:** ${decision.accountability!.decision_owner}`);
    expect(body).toContain(`**Execution Owner:** ${decision.accountability!.execution_owner}`);

    // leanos's own reader gets the same values.
    const own = parseFrontMatter(file, written);
    expect(own.data.status).toBe(data.status);
    expect(own.data.impact_score).toBe(data.impact_score);
    expect(own.data.human_flagged).toBe(data.human_flagged);
    expect(DecisionOutput.parse(own.data.output)).toEqual(decision);
    expect(own.content).toBe(read.content);
  });

  it("reads a decision drafted before the record existed: the new fields take their defaults", () => {
    const old = {
      verdict: "PROCEED",
      statement: "PROCEED: publish the case study.",
      alternatives: [
        { option: "Wait", reason: "Delays a ready reference." },
        { option: "Do nothing", reason: "Leaves the result unused." },
      ],
      rationale: "Impact 0.82.",
      actions: [{ type: "marketing:create", title: "Draft the case study" }],
    };
    const parsed = DecisionOutput.parse(old);
    expect(parsed).toMatchObject({
      ...old,
      scope: { includes: [], excludes: [] },
      success_metrics: [],
      accountability: null,
    });
  });
});
