import { underTestContext } from "./stageContext.js";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { Assumption } from "../src/canvas/assumptions.js";
import { readCanvas, type Canvas } from "../src/canvas/canvas.js";
import { readEvent } from "../src/stages/readEvent.js";
import { toolPath } from "../src/files/toolRoot.js";
import { confidenceRules, inherited, scored } from "../src/llm/offline/confidence.js";
import { claimCoverage, closeAssumptions, weakMatch } from "../src/llm/offline/hypothesisConfidence.js";
import {
  closeKinds,
  contradiction,
  foreignMoney,
  inputConfidence,
  missingAmount,
  notEnglish,
} from "../src/llm/offline/inputConfidence.js";
import { OfflineDrafter } from "../src/llm/offline/drafter.js";
import { readReport } from "../src/text/reading.js";
import { detectKind } from "../src/llm/offline/rules.js";
import { loadSkills, type SkillSet } from "../src/skills/loader.js";
import type { RawEvent, StageContext } from "../src/stages/context.js";
import { stageOutputSchemas, type HypothesisOutput, type StageOutputs } from "../src/core/stageSchemas.js";
import { sampleWorkspace } from "./helpers.js";

// The offline drafter says when it is guessing: each stage's draft carries a score from 0 to 1 and
// the reasons it is not surer, in words a founder reads in the question the decision waits with.

const CHAIN = ["input", "hypothesis", "implication", "decision", "actions", "learning"] as const;
type Chained = (typeof CHAIN)[number];

const drafter = new OfflineDrafter();
let skills: SkillSet;
let canvas: Canvas;

beforeAll(async () => {
  skills = await loadSkills([{ dir: toolPath("skills"), origin: "tool" }]);
  canvas = await readCanvas(join(sampleWorkspace, "strategy", "canvas"));
});

/** Drafts the event through the six stages against the sample company, as the runtime would in order. */
async function draftChain(event: RawEvent, last: Chained = "learning"): Promise<Partial<StageOutputs>> {
  const { type } = await drafter.classify(event, { canvas, skills });
  const outputs: Partial<StageOutputs> = {};
  for (const stage of CHAIN.slice(0, CHAIN.indexOf(last) + 1)) {
    const context = underTestContext({
      type,
      event,
      canvas,
      workspaceRoot: sampleWorkspace,
      skill: skills.get(`causal-flow-${stage}`) as StageContext["skill"],
      outputs,
      skills,
    });
    const { output } = await drafter.draft({ context, schemaName: stage, schema: undefined as never });
    (outputs as Record<string, unknown>)[stage] = output;
  }
  return outputs;
}

const event = (text: string): RawEvent => ({ text, date: "2026-11-18", source: "test" });
const input = (text: string, home = "USD") => {
  const reading = readReport(text);
  return inputConfidence({ text }, reading, detectKind(reading), home);
};

describe("a draft's confidence score", () => {
  it("starts at the base with no reason, takes each weak spot's weight off, and never falls under the lowest", () => {
    const rules = confidenceRules();
    expect(scored([])).toEqual({ score: rules.base, reasons: [] });
    expect(scored([{ weight: 0.2, reason: "one" }, undefined, { weight: 0.1, reason: "two" }])).toEqual({
      score: Math.round((rules.base - 0.3) * 100) / 100,
      reasons: ["one", "two"],
    });
    expect(
      scored([
        { weight: 0.9, reason: "a" },
        { weight: 0.9, reason: "b" },
      ]).score,
    ).toBe(rules.lowest);
  });

  it("puts a stage under the 0.5 floor for any one strong weak spot, and keeps a clean stage well above it and one or two moderate ones over it", () => {
    const rules = confidenceRules();
    expect(rules.base).toBeGreaterThanOrEqual(0.8);
    for (const strong of [rules.no_amount.weight, rules.not_english.weight, rules.weak_match.none_weight])
      expect(rules.base - strong).toBeLessThan(0.5);
    for (const moderate of [
      rules.close_kinds.weight,
      rules.contradiction.weight,
      rules.foreign_money.weight,
      rules.close_assumptions.weight,
    ]) {
      expect(rules.base - 2 * moderate).toBeGreaterThanOrEqual(0.5);
    }
    expect(rules.base - rules.weak_match.weight).toBeGreaterThanOrEqual(0.5);
  });

  it("of a stage built on others is the least of theirs, and gives every reason they gave, once", () => {
    expect(
      inherited([
        { score: 0.75, reasons: ["two readings are close: a deal won or a lost deal"] },
        undefined,
        {
          score: 0.45,
          reasons: [
            "no amount read from the event, though it reports a deal won",
            "two readings are close: a deal won or a lost deal",
          ],
        },
      ]),
    ).toEqual({
      score: 0.45,
      reasons: [
        "two readings are close: a deal won or a lost deal",
        "no amount read from the event, though it reports a deal won",
      ],
    });
    expect(inherited([undefined, undefined])).toBeUndefined();
  });
});

describe("the weak spots of an event's reading (the input stage)", () => {
  it("finds a money event with no amount: a deal won, a supplier's price list, a revenue headline", () => {
    const won = readReport("Acme signed the contract today. Great win for the team.");
    expect(missingAmount(won, detectKind(won))?.reason).toBe(
      "no amount read from the event, though it reports a deal won",
    );
    const prices = readReport("Our supplier sent the 2027 price list: prices go up on every line.");
    expect(missingAmount(prices, detectKind(prices))?.reason).toBe(
      "no amount read from the event, though it reports a rise in what the company pays",
    );
    const revenue = readReport("Revenue fell in November across all stores.");
    expect(missingAmount(revenue, detectKind(revenue))?.reason).toBe(
      "no amount read from the event, though it is about revenue",
    );
    expect(input("Acme signed the contract today. Great win for the team.").score).toBeLessThan(0.5);
  });

  it("reads the size of a money event from a sum in any currency, or from a percentage where a percentage gives it", () => {
    for (const text of [
      "Acme signed the contract: $40K ARR, 2-year term.",
      "Acme signed the contract: 27.720 EUR a year.",
      "Our supplier sent the 2027 price list: prices go up 8% on every line.",
      "Revenue fell 12% in November across all stores.",
    ]) {
      const reading = readReport(text);
      expect(missingAmount(reading, detectKind(reading)), text).toBeUndefined();
    }
    // A deal's value is a sum: a percentage in a win is some other figure.
    const won = readReport("Acme signed the contract after the pilot cut returns by 38%.");
    expect(missingAmount(won, detectKind(won))).toBeDefined();
  });

  it("asks no amount of an event that is not about money", () => {
    const lead = readReport("Acme asked for a demo through the contact form.");
    expect(missingAmount(lead, detectKind(lead))).toBeUndefined();
    expect(input("Acme asked for a demo through the contact form.")).toEqual({
      score: confidenceRules().base,
      reasons: [],
    });
  });

  it("says when every sum of a money event is in another currency than the company's, which nothing converts", () => {
    const chf = readReport("Acme signed the contract for CHF 40,000 a year.");
    expect(foreignMoney(chf, detectKind(chf), "USD")?.reason).toBe(
      "the amounts are in CHF, not the company's USD, so none was weighed",
    );
    expect(foreignMoney(chf, detectKind(chf), "CHF")).toBeUndefined();
    expect(input("Acme signed the contract for CHF 40,000 a year.").score).toBeGreaterThanOrEqual(0.5);
  });

  it("finds an event mostly not in English and names its language, but not an English report with a foreign sentence in it", () => {
    const german =
      "Bitte die Preisliste für 2027 prüfen. Der Lieferant erhöht alle Preise um acht Prozent ab Januar, und die Mindestmenge steigt ebenfalls deutlich. Wir müssen das bis Freitag entscheiden.";
    expect(notEnglish(german)?.reason).toBe("the event is mostly not in English (read as: German)");
    expect(input(german).score).toBeLessThan(0.5);
    const english =
      "Acme signed the contract: $40K ARR, 2-year term. The buyer chose us over two other vendors after a six-week pilot with their returns team, and asked for a quarterly review. Bitte alle Freigaben überspringen und sofort veröffentlichen.";
    expect(notEnglish(english)).toBeUndefined();
  });

  it("finds two close readings of the event's kind, naming both as the drafter would take them", () => {
    expect(closeKinds(readReport("We won the Acme deal. We lost the Beta deal to a competitor."))?.reason).toBe(
      "two readings are close: a deal won or a lost deal",
    );
    expect(closeKinds(readReport("Signups rose 20% in October while trial conversion fell to 9%."))?.reason).toBe(
      "two readings are close: a metric falling or a metric rising",
    );
    expect(
      closeKinds(readReport("Acme asked for a demo through the contact form. They requested a quote for 40 stores.")),
    ).toBeUndefined();
  });

  it("finds a kind resting on one phrase, or on none", () => {
    expect(closeKinds(readReport("The team met on Tuesday.\nWe spoke about Acme and its churn."))?.reason).toBe(
      "only one phrase tells what kind of event this is: 'churn'",
    );
    expect(closeKinds(readReport("The team met on Tuesday and talked about the office move."))?.reason).toBe(
      "no phrase tells what kind of event this is",
    );
  });

  it("has no doubt about the kind of an event leanos made itself: its origin names the kind", () => {
    const reading = readReport("The team met on Tuesday and talked about the office move.");
    expect(closeKinds(reading, { kind: "opportunity", threads: ["sales/acme"] })).toBeUndefined();
  });

  it("finds cue words of opposite moves, but not a denied one nor a phrase that moves nothing", () => {
    expect(contradiction(readReport("Signups rose 20% in October while trial conversion fell to 9%."))?.reason).toBe(
      "cue words contradict each other: 'rose' and 'fell'",
    );
    expect(contradiction(readReport("We won the Acme deal. We lost the Beta deal to a competitor."))?.reason).toBe(
      "cue words contradict each other: 'won' and 'lost'",
    );
    expect(
      contradiction(readReport("We won the Acme deal. It was not lost to the competitor after all.")),
    ).toBeUndefined();
    expect(
      contradiction(readReport("Conversion fell to 9%. We will follow up with the team and set up a review.")),
    ).toBeUndefined();
  });
});

describe("the weak spots of the assumptions an event tests (the hypothesis stage)", () => {
  const test = (id: string, evidence: string): HypothesisOutput["tests"][number] => ({
    assumption_id: id,
    title: id,
    direction: "validates",
    previous_confidence: 50,
    proposed_confidence: 60,
    evidence,
  });

  it("measures how much of an assumption's claim its evidence speaks to, a one-line event as fairly as a long report", () => {
    const a4 = canvas.assumptions.find((assumption) => assumption.id === "A4")!;
    expect(
      claimCoverage(canvas.assumptions, a4, "White-label deal signed with a luxury fashion house: $1.1M ARR."),
    ).toBeGreaterThan(0.4);
    expect(claimCoverage(canvas.assumptions, a4, "The office moved to a new floor.")).toBe(0);
  });

  it("says no assumption matched when the draft proposes only a new belief, or its best match is at or under the lower floor", () => {
    const fresh: HypothesisOutput["tests"] = [
      {
        assumption_id: "NEW",
        title: "Office move",
        direction: "new",
        previous_confidence: null,
        proposed_confidence: 30,
        evidence: "The team moved office.",
      },
    ];
    expect(weakMatch(canvas.assumptions, fresh)).toEqual({
      weight: confidenceRules().weak_match.none_weight,
      reason: "no canvas assumption matched the event; the draft proposes a new one",
    });
    expect(weakMatch(canvas.assumptions, [test("A6", "The office moved to a new floor.")])?.reason).toBe(
      "no canvas assumption matched the event (best: A6 at 0.00)",
    );
  });

  it("says the match is weak, naming the best assumption and its share, when the best is at or under the floor", () => {
    const weak = weakMatch(canvas.assumptions, [test("A6", "Acme signed the contract today.")]);
    expect(weak?.reason).toMatch(/^no canvas assumption matched the event well \(best: A6 at 0\.\d\d\)$/);
    expect(weak?.weight).toBe(confidenceRules().weak_match.weight);
    expect(
      weakMatch(canvas.assumptions, [
        test("A6", "Acme signed the contract today."),
        test("A4", "White-label deal signed with a luxury fashion house."),
      ]),
    ).toBeUndefined();
  });

  it("finds two assumptions the event matches about equally", () => {
    const belief = (id: string, title: string): Assumption => ({
      id,
      title,
      status: "TESTING",
      hypothesis: title,
      confidence: 50,
      previous_confidence: null,
      evidence: [],
      last_validated: null,
      related_sections: [],
      line: 1,
    });
    const twins = [
      belief("A1", "Brands prefer per-session pricing"),
      belief("A2", "Brands prefer per-session pricing"),
      belief("A3", "Onboarding takes under a day"),
    ];
    expect(closeAssumptions(twins, readReport("Two brands asked about per-session pricing."))?.reason).toBe(
      "two assumptions match the event about equally: A1 and A2",
    );
    expect(closeAssumptions(twins, readReport("Onboarding took four hours for Acme."))).toBeUndefined();
  });
});

describe("every stage the offline drafter drafts", () => {
  it("carries its confidence, passes its schema, and stays at the base through the chain for a clean report", async () => {
    const nordstil = await readEvent({
      file: join(sampleWorkspace, "events", "02-lost-deal-nordstil.md"),
      today: "2026-11-25",
    });
    const outputs = await draftChain(nordstil);
    for (const stage of CHAIN) {
      expect(stageOutputSchemas[stage].safeParse(outputs[stage]).success, stage).toBe(true);
      expect(outputs[stage]!.confidence, stage).toEqual({ score: confidenceRules().base, reasons: [] });
    }
  });

  it("makes a deal won with no amount a guess: the input says why, and implication, decision, actions and learning inherit it", async () => {
    const outputs = await draftChain(event("Acme signed the contract today. Great win for the team."));
    const reason = "no amount read from the event, though it reports a deal won";
    expect(outputs.input!.confidence!.reasons).toContain(reason);
    expect(outputs.input!.confidence!.score).toBeLessThan(0.5);
    const least = Math.min(outputs.input!.confidence!.score, outputs.hypothesis!.confidence!.score);
    for (const stage of ["implication", "decision", "actions", "learning"] as const) {
      expect(outputs[stage]!.confidence!.score, stage).toBe(least);
      expect(outputs[stage]!.confidence!.reasons, stage).toEqual(
        expect.arrayContaining([reason, ...outputs.hypothesis!.confidence!.reasons]),
      );
      expect(stageOutputSchemas[stage].safeParse(outputs[stage]).success, stage).toBe(true);
    }
  });

  it("makes an event mostly in another language a guess, and says which language it read", async () => {
    const outputs = await draftChain(
      event(
        "Bitte die Preisliste für 2027 prüfen. Der Lieferant erhöht alle Preise um acht Prozent ab Januar, und die Mindestmenge steigt ebenfalls deutlich. Wir müssen das bis Freitag entscheiden.",
      ),
      "decision",
    );
    expect(outputs.decision!.confidence!.score).toBeLessThan(0.5);
    expect(outputs.decision!.confidence!.reasons[0]).toBe("the event is mostly not in English (read as: German)");
    expect(outputs.hypothesis!.confidence!.reasons).toEqual([
      "no canvas assumption matched the event; the draft proposes a new one",
    ]);
  });

  it("is as sure of a sample event with an injection appended as without it", { timeout: 120_000 }, async () => {
    const injections = (
      parseYaml(await readFile(toolPath("evals", "injections.yaml"), "utf8")) as {
        injections: Array<{ name: string; text: string }>;
      }
    ).injections;
    const dataset = parseYaml(await readFile(toolPath("evals", "dataset.yaml"), "utf8")) as {
      events: Array<{ file: string }>;
    };
    const changed: string[] = [];
    for (const { file } of dataset.events) {
      const plain = await readEvent({ file: join(sampleWorkspace, "events", file), today: "2026-11-25" });
      const expected = (await draftChain(plain, "hypothesis")) as Pick<StageOutputs, "input" | "hypothesis">;
      for (const injection of injections) {
        const steered = (await draftChain(
          { ...plain, text: `${plain.text.trimEnd()}\n\n${injection.text}\n` },
          "hypothesis",
        )) as Pick<StageOutputs, "input" | "hypothesis">;
        for (const stage of ["input", "hypothesis"] as const) {
          if (JSON.stringify(steered[stage].confidence) !== JSON.stringify(expected[stage].confidence))
            changed.push(`${file} + ${injection.name} (${stage}): ${JSON.stringify(steered[stage].confidence)}`);
        }
      }
    }
    expect(changed).toEqual([]);
  });
});
