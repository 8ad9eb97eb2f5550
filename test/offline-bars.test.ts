import { describe, expect, it } from "vitest";
import { barOf, figuresIn, judgeBar, measuredAgainst } from "../src/text/bars.js";

// The offline drafter reads a number in an assumption as a bar, and a figure of the same thing in the
// event as a measurement against it.

describe("a bar in an assumption", () => {
  it("is a floor by default and after 'at least' or 'or more'", () => {
    expect(barOf("At least 20% of gift recipients start paying")).toMatchObject({
      value: 20,
      unit: "percent",
      bound: "floor",
    });
    expect(barOf("Gross margin stays at 42% or more")).toMatchObject({ value: 42, bound: "floor" });
  });

  it("is a ceiling after 'under', 'no more than' or before 'or less'", () => {
    expect(barOf("Monthly churn stays under 6% all year")).toMatchObject({ value: 6, bound: "ceiling" });
    expect(barOf("The increase adds no more than 0.5 points of churn")).toMatchObject({
      value: 0.5,
      unit: "points",
      bound: "ceiling",
    });
    expect(barOf("Creators bring subscribers at $30 or less each")).toMatchObject({
      value: 30,
      unit: "money",
      bound: "ceiling",
    });
  });

  it("knows a yearly sum from a monthly one", () => {
    expect(barOf("Rural practices buy at $5K+ ACV")).toMatchObject({ value: 5000, period: "year" });
    expect(figuresIn("4 trucks x $60.00/month")[0]).toMatchObject({ value: 60, period: "month" });
  });

  it("is absent when the assumption holds no figure", () => {
    expect(barOf("Luxury brands prefer a white-label SDK")).toBeUndefined();
  });
});

describe("a measurement against a bar", () => {
  const margin = barOf("DTC gross margin stays at 42% or more")!;

  it("is the figure a move ends at, not the one it starts from", () => {
    expect(measuredAgainst(margin, ["That takes gross margin from 44% to about 41.8%."])?.value).toBe(41.8);
    expect(measuredAgainst(margin, ["Gross margin 44% -> 41.8% on today's revenue."])?.value).toBe(41.8);
  });

  it("is not a target the event compares with", () => {
    expect(measuredAgainst(barOf("Churn stays under 6%")!, ["Churn hit 7.6% against a target of 6%."])?.value).toBe(
      7.6,
    );
    expect(measuredAgainst(barOf("Churn stays under 6%")!, ["Churn: 6% target, 7.6% actual."])?.value).toBe(7.6);
  });

  it("is the last figure of a table row, whose first cell names the metric", () => {
    const churn = barOf("Blended monthly churn stays under 6%")!;
    expect(measuredAgainst(churn, ["| Monthly churn, Aug 15 - Oct 31 | 6.3% | 4.1% |"])?.value).toBe(4.1);
  });

  it("must be of the same thing and the same unit", () => {
    expect(measuredAgainst(margin, ["Returns fell to 29% in the pilot."])).toBeUndefined();
    expect(measuredAgainst(margin, ["Gross margin was $7.30 a box."])).toBeUndefined();
    expect(
      measuredAgainst(barOf("Rural practices buy at $5K+ ACV")!, ["Rural practices pay $60/month per truck."]),
    ).toBeUndefined();
  });
});

describe("a bar of money in the company's currency", () => {
  const demoCost = barOf("Paid social brings demos at under EUR 300 each", "EUR")!;

  it("is read with its currency, its code or symbol before or after the amount", () => {
    expect(demoCost).toMatchObject({ value: 300, unit: "money", currency: "EUR", bound: "ceiling" });
    expect(barOf("Cost per demo stays under 300 € all year", "EUR")).toMatchObject({
      value: 300,
      currency: "EUR",
      bound: "ceiling",
    });
    expect(barOf("Average deal of at least 27.720 EUR a year", "EUR")).toMatchObject({
      value: 27_720,
      currency: "EUR",
      bound: "floor",
      period: "year",
    });
    expect(barOf("Gift boxes sell at CHF 1'200 or less", "CHF")).toMatchObject({
      value: 1_200,
      currency: "CHF",
      bound: "ceiling",
    });
  });

  it("is missed by a sum in its currency over a ceiling: EUR 333 is not under EUR 300", () => {
    const measured = measuredAgainst(demoCost, ["Paid social closed at EUR 333 a demo over the quarter."], "EUR");
    expect(measured).toMatchObject({ value: 333, currency: "EUR" });
    expect(judgeBar(demoCost, measured!.value)).toBe("challenges");
    expect(judgeBar(demoCost, measuredAgainst(demoCost, ["Paid social: 612 € per demo."], "EUR")!.value)).toBe(
      "invalidates",
    );
    expect(judgeBar(demoCost, measuredAgainst(demoCost, ["Paid social: €270 a demo."], "EUR")!.value)).toBe(
      "validates",
    );
  });

  it("is measured by where a move in euros ends", () => {
    expect(measuredAgainst(demoCost, ["Cost per demo went from EUR 280 to EUR 333."], "EUR")?.value).toBe(333);
    expect(measuredAgainst(demoCost, ["Cost per demo: 280 € -> 333 €."], "EUR")?.value).toBe(333);
  });

  it("is not measured by a sum in another currency: nothing is converted", () => {
    expect(measuredAgainst(demoCost, ["Paid social: $250 a demo."], "EUR")).toBeUndefined();
    expect(measuredAgainst(demoCost, ["Paid social: £333 a demo."], "EUR")).toBeUndefined();
  });

  it("is not measured by a sum that only shares the currency's name with it", () => {
    expect(measuredAgainst(demoCost, ["The order is EUR 27,720 ARR, signed today."], "EUR")).toBeUndefined();
  });
});

describe("judging a measurement", () => {
  it("validates a met floor, challenges a near miss and invalidates a miss by more than half", () => {
    const floor = barOf("at least 20% convert")!;
    expect(judgeBar(floor, 27)).toBe("validates");
    expect(judgeBar(floor, 11.5)).toBe("challenges");
    expect(judgeBar(floor, 8)).toBe("invalidates");
  });

  it("validates a kept ceiling, challenges a small overrun and invalidates one of more than double", () => {
    const ceiling = barOf("$30 or less per subscriber")!;
    expect(judgeBar(ceiling, 24)).toBe("validates");
    expect(judgeBar(ceiling, 41)).toBe("challenges");
    expect(judgeBar(ceiling, 251)).toBe("invalidates");
  });
});
