import { describe, expect, it } from "vitest";
import { FileProblem } from "../src/errors.js";
import { breaches, describeBreach } from "../src/values/check.js";
import { measurableForm } from "../src/values/measurable.js";
import { offlineValuesNote } from "../src/values/offlineNote.js";
import { parsePrecedent, precedentLine } from "../src/values/precedent.js";
import { parseValues } from "../src/values/valuesFile.js";

// strategy/values.md as LeanOS writes it (tiers as lines, or as tables), the measurable forms of its
// hard constraints, and the check an action passes before it runs.

const LINES = `# Value Function

## Tier 1: Hard Constraints

\`\`\`
Financial: Monthly spend ceiling $3K — violating this reduces runway below survival threshold
\`\`\`
- Commercial: No discount above 20% — below that the margin does not hold
- Regulatory: US-only for Phase 1 — EU requires GDPR Article 9 compliance
- Outreach: No emails on weekends — our buyers read them on Monday anyway
- Technical: No photo storage in the product database — an architectural commitment

## Tier 2: Soft Constraints
- Prefer pilots with merchants who share analytics — the pilot plan names analytics access

## Tier 3: Tradeoff Preferences
Learning > Speed — prefer instrumented. Exception: a pilot deadline within 2 weeks.

### Decision Precedents (system-maintained)
Pilot Operations | Merchant requests feature not in MVP scope | Deferred to post-pilot roadmap | Don't expand scope during a pilot | 2026-01-15
`;

const TABLES = `# Value Function

## Hard Constraints

| Constraint | Source | Consequence of violation |
|------------|--------|--------------------------|
| Send only between 9:00 and 17:00 | 15-gtm.md | complaints |
| Never charge per seat | 11-pricing.md | the model breaks |

## Soft Constraints

| Preference | Source | Override condition |
|------------|--------|--------------------|
| Annual contracts | 11-pricing.md | a pilot |
`;

describe("strategy/values.md", () => {
  it("is read in LeanOS's line form: each tier, the measurable hard constraints, the precedents", () => {
    const values = parseValues("strategy/values.md", LINES, "USD");
    expect(
      values.hard.map((constraint) => [constraint.domain, constraint.line, constraint.form?.kind ?? "prose"]),
    ).toEqual([
      ["Financial", 6, "spend"],
      ["Commercial", 8, "discount"],
      ["Regulatory", 9, "region"],
      ["Outreach", 10, "send-days"],
      ["Technical", 11, "prose"],
    ]);
    expect(values.hard[0]).toMatchObject({
      text: "Monthly spend ceiling $3K",
      why: "violating this reduces runway below survival threshold",
      form: { kind: "spend", limit: { value: 3000, currency: "USD" }, per: "month" },
    });
    expect(values.hard[2]!.form).toEqual({ kind: "region", only: ["US"] });
    expect(values.hard.map((constraint) => constraint.id)).toEqual(["H1", "H2", "H3", "H4", "H5"]);
    expect(values.soft).toEqual([
      {
        id: "S1",
        text: "Prefer pilots with merchants who share analytics",
        evaluate: "the pilot plan names analytics access",
        line: 14,
      },
    ]);
    expect(values.tradeoffs.map((tradeoff) => tradeoff.line)).toEqual([17]);
    expect(values.precedents).toEqual([
      {
        domain: "Pilot Operations",
        situation: "Merchant requests feature not in MVP scope",
        decision: "Deferred to post-pilot roadmap",
        principle: "Don't expand scope during a pilot",
        date: "2026-01-15",
        line: 20,
      },
    ]);
  });

  it("is read in its table form too", () => {
    const values = parseValues("strategy/values.md", TABLES, "USD");
    expect(values.hard.map((constraint) => [constraint.text, constraint.form])).toEqual([
      ["Send only between 9:00 and 17:00", { kind: "send-hours", from: 9, to: 17 }],
      ["Never charge per seat", undefined],
    ]);
    expect(values.soft).toEqual([{ id: "S1", text: "Annual contracts", evaluate: "a pilot", line: 14 }]);
  });

  it("refuses a hard constraint it cannot read, naming its line, so nothing is let through silently", () => {
    const broken = LINES.replace(
      "- Commercial: No discount above 20% — below that the margin does not hold",
      "- keep discounts sane",
    );
    const error = (() => {
      try {
        parseValues("strategy/values.md", broken, "USD");
      } catch (caught) {
        return caught;
      }
    })() as FileProblem;
    expect(error).toBeInstanceOf(FileProblem);
    expect(error.line).toBe(8);
    expect(error.message).toContain('a hard constraint is written "Domain: constraint — why it is hard"');
  });

  it("refuses a precedent line without its five fields or with an impossible date", () => {
    expect(() => parseValues("strategy/values.md", LINES.replace("| 2026-01-15", "| 2026-02-30"), "USD")).toThrow(
      /strategy\/values\.md:20: a decision precedent: "2026-02-30" is not a calendar date/,
    );
    expect(parsePrecedent("Sales | a situation | a decision | 2026-01-15")).toMatchObject({
      problem: expect.stringContaining("expected 5 fields"),
    });
  });
});

describe("a precedent line", () => {
  it("keeps a pipe in a person's words: written escaped, read back as it was", () => {
    const precedent = {
      domain: "Pricing",
      situation: "A buyer asks for monthly | annual billing",
      decision: "Annual only",
      principle: "Cash up front; a \\ in the text stays too",
      date: "2026-12-07",
    };
    const line = precedentLine(precedent);
    expect(line).toBe(
      "Pricing | A buyer asks for monthly \\| annual billing | Annual only | Cash up front; a \\\\ in the text stays too | 2026-12-07",
    );
    expect(parsePrecedent(line)).toEqual(precedent);
  });
});

describe("the check before an action runs", () => {
  const values = parseValues("strategy/values.md", LINES, "USD");
  const action = (texts: string[], sends = false, now = new Date("2026-12-08T10:00:00Z")) => ({ texts, sends, now });

  it("blocks a plan whose spend is over the ceiling, naming the constraint, where it is written and why", () => {
    const [breach, ...rest] = breaches(
      values,
      action(["Launch a LinkedIn campaign with an ad budget of $5,000."]),
      "USD",
    );
    expect(rest).toEqual([]);
    expect(describeBreach(breach!, "strategy/values.md")).toBe(
      'blocked by the hard constraint "Financial: Monthly spend ceiling $3K" (strategy/values.md:6; violating this reduces runway below survival threshold): the plan states a spend of $5,000, over the ceiling of USD 3,000 a month',
    );
    expect(breaches(values, action(["An ad budget of $2,500, and a contract worth $48,000."]), "USD")).toEqual([]);
  });

  it("blocks a discount over the limit, a region outside the allowed one, and a send on a weekend", () => {
    const reasons = (texts: string[], sends = false, now?: Date) =>
      breaches(values, action(texts, sends, now), "USD").map((breach) => breach.reason);
    expect(reasons(["Offer Acme a 30% discount on the first year."])).toEqual([
      "the plan states a discount of 30%, over the limit of 20%",
    ]);
    expect(reasons(["Open the pilot with a retailer in Germany."])).toEqual(["the plan names Germany, outside US"]);
    expect(reasons(["The newsletter."], true, new Date("2026-12-12T10:00:00Z"))).toEqual([
      "it would send on a Saturday (UTC)",
    ]);
    expect(reasons(["The newsletter."], false, new Date("2026-12-12T10:00:00Z"))).toEqual([]);
  });

  it("checks nothing without a value function, and nothing a prose constraint says", () => {
    expect(breaches(undefined, action(["A budget of $90,000."]), "USD")).toEqual([]);
    expect(breaches(values, action(["We store photos in the product database."]), "USD")).toEqual([]);
  });
});

describe("a hard constraint's measurable form", () => {
  it("reads a ceiling in the constraint's own currency, and says prose where it has no number", () => {
    expect(measurableForm("Marketing spend capped at €2,000 per campaign", "USD")).toEqual({
      kind: "spend",
      limit: { value: 2000, currency: "EUR" },
      per: "action",
    });
    expect(measurableForm("No sales in the EU", "USD")).toEqual({ kind: "region", never: ["EU"] });
    expect(measurableForm("Be kind to customers", "USD")).toBeUndefined();
  });
});

describe("what the offline drafter says of the value function", () => {
  it("says it weighs only what code measures and the precedents, and names a precedent that applies", () => {
    const values = parseValues("strategy/values.md", LINES, "USD");
    expect(offlineValuesNote(values, "sales", "Acme signed.")).toBe(
      "Values: the offline drafter weighs only the constraints code can measure and the decision precedents; 2 constraint(s) in prose were not judged (H5, S1).",
    );
    expect(
      offlineValuesNote(values, "business", "A merchant in the pilot requests a feature outside the MVP scope."),
    ).toContain(
      "A precedent applies: Pilot Operations: Merchant requests feature not in MVP scope -> Deferred to post-pilot roadmap (Don't expand scope during a pilot, 2026-01-15).",
    );
  });
});
