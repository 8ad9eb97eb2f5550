import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runEvals } from "../evals/harness.js";
import { evalSets } from "../evals/sets.js";
import { teachSet } from "../evals/teach.js";
import { Recording } from "../evals/recording.js";
import { tempDir } from "./helpers.js";

describe("the eval harness", () => {
  it("scores the offline baseline on every sample event, and the baseline stays above 0.8", async () => {
    const [report] = await runEvals({ provider: "offline", sets: ["sample"] });
    if (!report) throw new Error("no sample set");
    expect(report.provider).toBe("offline:rules-v1");
    expect(report.events).toHaveLength(9);
    // Types and verdicts are rules the offline drafter must keep; assumption picks may miss, and one
    // gate (the pilot with no sign of a moat in its text) falls just under the threshold.
    expect(report.scores).toMatchObject({ type: 1, verdict: 1 });
    expect(report.scores.gate).toBeGreaterThanOrEqual(0.85);
    expect(report.role).toBe("dev");
    expect(report.scores.direction).toBeGreaterThanOrEqual(0.85);
    expect(report.scores.assumption).toBeGreaterThanOrEqual(report.scores.direction);
    expect(report.scores.overall).toBeGreaterThan(0.8);
  });

  it("records a run's answers and scores them again from the file, with no model", async () => {
    const file = join(await tempDir(), "run.json");
    const [recorded] = await runEvals({ provider: "offline", sets: ["sample"], record: file });
    const recording = Recording.parse(JSON.parse(await readFile(file, "utf8")));
    expect(recording).toMatchObject({ provider: "offline", model: "rules-v1" });
    expect(recording.answers.filter((answer) => answer.call === "classify")).toHaveLength(9);
    expect(recording.answers.filter((answer) => answer.call === "decision")).toHaveLength(9);
    const [replayed] = await runEvals({ replay: file, sets: ["sample"] });
    expect(replayed!.provider).toBe("offline:rules-v1");
    expect(replayed!.events).toEqual(recorded!.events);

    // The replay scores what the file says: a verdict changed in the file is scored as changed.
    const first = recording.answers.find((answer) => answer.call === "decision")!;
    const verdict = (first.output as { verdict: string }).verdict;
    (first.output as { verdict: string }).verdict = verdict === "PROCEED" ? "INVESTIGATE" : "PROCEED";
    await writeFile(file, JSON.stringify(recording));
    const [changed] = await runEvals({ replay: file, sets: ["sample"] });
    expect(changed!.events[0]!.verdict).toBe(!recorded!.events[0]!.verdict);
    expect(changed!.scores.verdict).toBeLessThan(recorded!.scores.verdict);
  });

  it(
    "teaches each event after drafting it, so a later event like an earlier one is read as the person read it",
    { timeout: 120_000 },
    async () => {
      const sample = (await evalSets()).find((set) => set.name === "sample")!;
      const report = await teachSet(sample, { provider: "offline" });
      expect(report.events).toHaveLength(9);
      // Every event the drafter misread was corrected, every other one agreed with.
      expect(
        report.events
          .filter((event) => event.taught === "corrected")
          .every((event) => !(event.type && event.direction && event.verdict)),
      ).toBe(true);
      // The copy of the closed deal that carries an injection comes after the deal: it is read as the deal was.
      const copy = report.events.find((event) => event.file === "09-injection-closed-deal.md")!;
      expect(copy.learned.join(" ")).toContain("as in threads/sales/elsaai-deal-closed");
      expect(copy).toMatchObject({ type: true, direction: true, verdict: true });
      expect(report.taught.overall).toBeGreaterThanOrEqual(report.secondCold.overall);
    },
  );
});
