import { describe, expect, it } from "vitest";
import { compareRedraft, withoutNote } from "../src/runtime/redraft.js";

// What `respond` reports: the fields a redraft changed, with a sentence that only quotes the feedback
// not counted as a change (the end-to-end case is in cli-flow.test.ts).

describe("the note a redraft adds of its feedback", () => {
  it("is the sentence that quotes the feedback, even when the feedback has full stops of its own", () => {
    expect(
      withoutNote('Acts on the evidence. Revised after review feedback: "DEFER. Not now.".', "DEFER. Not now."),
    ).toBe("Acts on the evidence.");
  });

  it("is not the feedback's words used in a sentence of the draft's own", () => {
    expect(withoutNote('We defer until the rollout is live. Revised after review feedback: "defer".', "defer")).toBe(
      "We defer until the rollout is live.",
    );
    expect(withoutNote("Nothing quotes it here.", "here")).toBe("Nothing quotes it here.");
  });
});

describe("comparing a stage's output before and after its redraft", () => {
  const before = { output: { verdict: "PROCEED", rationale: "Acts on the evidence." } };

  it("finds nothing changed when a field only gained the note", () => {
    const after = {
      output: {
        verdict: "PROCEED",
        rationale: 'Acts on the evidence. Revised after review feedback: "name the owner".',
      },
    };
    expect(compareRedraft("decision", before, after, "name the owner")).toEqual({
      stage: "decision",
      changed: [],
      noted: ["rationale"],
    });
  });

  it("names the fields that changed, and leaves out a note that replaced the last one", () => {
    const earlier = {
      output: { verdict: "PROCEED", rationale: 'Acts on the evidence. Revised after review feedback: "first".' },
      feedback: "first",
    };
    const after = {
      output: { verdict: "DEFER", rationale: 'Acts on the evidence. Revised after review feedback: "second".' },
    };
    expect(compareRedraft("decision", earlier, after, "second")).toEqual({
      stage: "decision",
      changed: ["verdict"],
      noted: ["rationale"],
    });
  });
});
