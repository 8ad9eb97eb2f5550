import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { standingOf, TrustBar, type Judgement } from "../src/core/autonomy.js";
import { stagePolicy } from "../src/core/policy.js";
import { readEvent } from "../src/stages/readEvent.js";
import { trustReport } from "../src/ops/trust.js";
import { Runtime } from "../src/runtime/engine.js";
import { eventFile, sampleCopy } from "./helpers.js";

// Autonomy a workspace earns: a thread type's decisions under the impact threshold act alone only
// once people have agreed with enough of its readings, and one correction sends it back to waiting.

const bar = TrustBar.parse({});
const judged = (type: string, ...marks: string[]): Judgement[] =>
  marks
    .join("")
    .split("")
    .map((mark, index) => ({
      type,
      judged: mark === "+" ? "agreed" : "corrected",
      at: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    }));

describe("a thread type's standing against the bar", () => {
  it("is not earned before 20 answered decisions, however they went", () => {
    const standing = standingOf("sales", judged("sales", "+".repeat(19)), bar);
    expect(standing).toMatchObject({ answered: 19, earned: false });
    expect(standing.needs).toBe("1 more answered decision(s) (19 of 20)");
  });

  it("is earned with 20 answered and at least 18 of the latest 20 accepted unchanged, with no recent correction", () => {
    expect(standingOf("sales", judged("sales", "+".repeat(20)), bar).earned).toBe(true);
    expect(standingOf("sales", judged("sales", "-", "-", "+".repeat(28)), bar)).toMatchObject({
      earned: true,
      agreed_recent: 20,
      since_correction: 28,
    });
  });

  it("goes back to waiting on one correction, until 10 agreements in a row follow it", () => {
    const corrected = standingOf("sales", judged("sales", "+".repeat(25), "-"), bar);
    expect(corrected).toMatchObject({ earned: false, since_correction: 0, agreed_recent: 19 });
    expect(corrected.needs).toBe("10 more agreement(s) in a row since its last correction (0 of 10)");
    expect(standingOf("sales", judged("sales", "+".repeat(25), "-", "+".repeat(9)), bar).earned).toBe(false);
    expect(standingOf("sales", judged("sales", "+".repeat(25), "-", "+".repeat(10)), bar).earned).toBe(true);
  });

  it("needs 90% agreement over the latest 20, not over the whole history", () => {
    const standing = standingOf("sales", judged("sales", "+".repeat(40), "-+-+-+".repeat(2), "+".repeat(10)), bar);
    expect(standing).toMatchObject({ agreed_recent: 15, window: 20, earned: false });
    expect(standing.needs).toContain("3 more agreement(s) in its latest 20 (15 of 20 accepted unchanged; 18 wanted)");
  });

  it("is kept per thread type: sales answers earn nothing for marketing", () => {
    const all = [...judged("sales", "+".repeat(20)), ...judged("marketing", "+".repeat(3))];
    expect(standingOf("sales", all, bar).earned).toBe(true);
    expect(standingOf("marketing", all, bar)).toMatchObject({ answered: 3, earned: false });
  });
});

describe("the decision policy", () => {
  const base = { gates: ["impact"], impact: 0.4, threshold: 0.8 };
  const earned = standingOf("sales", judged("sales", "+".repeat(20)), bar);
  const unearned = standingOf("sales", [], bar);

  it("under threshold: acts alone as LeanOS says", () => {
    expect(stagePolicy({ ...base, mode: "threshold" })).toEqual({ required: false, reasons: [], reading: false });
  });

  it("supervised: every decision waits", () => {
    expect(stagePolicy({ ...base, mode: "supervised", trust: earned }).reasons).toEqual([
      "autonomy is supervised: every decision waits for a person",
    ]);
  });

  it("earned: waits until the type has earned trust, and says what it still needs", () => {
    expect(stagePolicy({ ...base, mode: "earned", trust: earned }).required).toBe(false);
    const waits = stagePolicy({ ...base, mode: "earned", trust: unearned });
    expect(waits).toMatchObject({ required: true, reading: true });
    expect(waits.reasons).toEqual(["trust not yet earned for sales decisions: 20 more answered decision(s) (0 of 20)"]);
  });

  it("a draft under the confidence floor waits in every mode, with the drafter's reasons", () => {
    for (const mode of ["threshold", "earned", "supervised"] as const) {
      const verdict = stagePolicy({
        ...base,
        mode,
        trust: earned,
        floor: 0.5,
        confidence: [{ stage: "input", score: 0.3, reasons: ["no amount read from the event"] }],
      });
      expect(verdict.required).toBe(true);
      expect(verdict.reasons).toContain("a low-confidence reading (input 0.3 < 0.5): no amount read from the event");
    }
  });

  it("impact at or over the threshold waits in every mode", () => {
    for (const mode of ["threshold", "earned", "supervised"] as const)
      expect(stagePolicy({ ...base, impact: 0.8, mode, trust: earned }).reasons).toContain("impact 0.8 >= 0.8");
  });
});

describe("a workspace earning autonomy from its people's answers", () => {
  it("waits at every sales decision until 20 are accepted unchanged, then acts alone; one correction sends it back", async () => {
    const workspace = await sampleCopy({ autonomy: "earned" });
    let minute = 0;
    const runtime = await Runtime.open({
      workspace,
      provider: "offline",
      now: () => new Date(Date.UTC(2026, 10, 18, 9, minute++)),
    });
    try {
      // An inbound lead: a sales event whose impact is under the threshold.
      const event = await readEvent({ file: eventFile("03-inbound-lead-atelier-rouge.md"), today: "2026-11-18" });
      const threads: string[] = [];
      for (let answered = 0; answered < 20; answered += 1) {
        const started = await runtime.startEvent(event);
        expect(started.pending[0]?.question).toContain(
          `trust not yet earned for sales decisions: ${20 - answered} more answered decision(s)`,
        );
        await runtime.answer(started.thread, { type: "accept", args: null, by: "founder" });
        threads.push(started.thread);
      }
      const report = await trustReport(runtime.audit, runtime.workspace.config, runtime.workspace.threadTypes);
      expect(report.types.find((type) => type.type === "sales")).toMatchObject({
        answered: 20,
        agreed_recent: 20,
        earned: true,
        acts_alone: true,
      });
      expect(report.types.find((type) => type.type === "business")).toMatchObject({
        answered: 0,
        earned: false,
        acts_alone: false,
      });

      const alone = await runtime.startEvent(event);
      expect(alone.pending.map((item) => item.stage)).not.toContain("decision");
      const decision = await readFile(join(workspace, "threads", ...alone.thread.split("/"), "4-decision.md"), "utf8");
      expect(decision).toContain("sales decisions have earned trust (20 of the latest 20 accepted unchanged)");

      // The first thread has acted (its actions ran): the correction is recorded, nothing undone, and trust is lost.
      const corrected = await runtime.correct(
        threads[0]!,
        { verdict: "DEFER" },
        { by: "founder", reason: "we wait for the contract" },
      );
      expect(corrected.after_acting).toBe(true);
      const again = await runtime.startEvent(event);
      expect(again.pending[0]?.question).toContain(
        "trust not yet earned for sales decisions: 10 more agreement(s) in a row since its last correction (0 of 10)",
      );
    } finally {
      await runtime.close();
    }
  }, 120_000);
});
