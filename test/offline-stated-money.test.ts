import { describe, expect, it } from "vitest";
import { statedMoney } from "../src/llm/offline/statedMoney.js";
import { readReport } from "../src/text/reading.js";
import { detectKind } from "../src/llm/offline/rules.js";

// The implication's revenue horizons, ROI and sensitivity (LeanOS's implication skill) come only from
// sums the event states: nothing is estimated, and a sum that is no revenue is left out.

const money = (text: string) => {
  const reading = readReport(text);
  return statedMoney(reading, detectKind(reading, undefined), "USD");
};

describe("the money an event states", () => {
  it("places a one-time sum now, a recurring one over 12 months, and a multi-year term over its years", () => {
    const stated = money("Deal closed: Kestrel signed a 3-year term at $200K ARR, plus $30K one-time implementation.");
    expect(stated.revenue?.immediate).toEqual([expect.objectContaining({ amount: "$30K one-time" })]);
    expect(stated.revenue?.short_term).toEqual([
      expect.objectContaining({ amount: expect.stringMatching(/^\$200,?000 over 12 months$|^\$200K over 12 months$/) }),
    ]);
    expect(stated.revenue?.long_term?.[0]?.amount).toMatch(/over the 3-year term$/);
    expect(stated.roi).toBeUndefined();
  });

  it("gives an ROI only when the event states a cost", () => {
    const stated = money("Deal closed with Kestrel: $120K ARR. The pilot cost us $40K in engineering time.");
    expect(stated.roi).toMatchObject({ roi: "200%" });
    expect(stated.roi?.basis).toContain("$40K");
  });

  it("gives a sensitivity only for a stated range, with its midpoint as the expected case", () => {
    const stated = money(
      "Deal closed with Kestrel: they will pay $100K-$140K ARR depending on the stores they roll out.",
    );
    expect(stated.sensitivity).toMatchObject({
      worst_case: expect.stringContaining("100"),
      best_case: expect.stringContaining("140"),
      expected_case: expect.stringContaining("120"),
    });
  });

  it("states nothing for a lost deal or a quote turned down", () => {
    expect(money("Lost deal: Nordstil chose Vestio; we had quoted $90K ARR.")).toEqual({});
  });
});
