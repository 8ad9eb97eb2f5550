import { describe, expect, it } from "vitest";
import { runEval } from "../evals/harness.js";

describe("the eval harness", () => {
  it("scores the offline baseline on every sample event, and the baseline stays above 0.8", async () => {
    const report = await runEval({ provider: "offline" });
    expect(report.provider).toBe("offline:rules-v1");
    expect(report.events).toHaveLength(9);
    // Types, verdicts and gates are rules the offline drafter must keep; assumption picks may miss.
    expect(report.scores).toMatchObject({ type: 1, verdict: 1, gate: 1 });
    expect(report.scores.assumption).toBeGreaterThanOrEqual(0.85);
    expect(report.scores.overall).toBeGreaterThan(0.8);
  });
});
