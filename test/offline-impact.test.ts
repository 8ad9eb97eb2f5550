import { describe, expect, it } from "vitest";
import { companyArr, scaleScore } from "../src/llm/offline/implication.js";
import type { StageContext } from "../src/stages/context.js";

// Money in an event is weighed against the company's own size, so the same sum matters to a small
// agency and barely to a scale-up.

const withMetrics = (rows: string): StageContext =>
  ({
    canvas: {
      roles: new Map([["metrics", { text: `| Metric | Current | Target | Trend |\n|---|---|---|---|\n${rows}` }]]),
    },
  }) as unknown as StageContext;

describe("the weight of a sum of money", () => {
  it("is 0 at a thousandth of the company's ARR, one half at a hundredth and 1 from a tenth up, on a log scale", () => {
    expect(scaleScore(1_000, 1_000_000)).toBe(0);
    expect(scaleScore(10_000, 1_000_000)).toBeCloseTo(0.5);
    expect(scaleScore(100_000, 1_000_000)).toBe(1);
    expect(scaleScore(5_000_000, 1_000_000)).toBe(1);
    expect(scaleScore(0, 1_000_000)).toBe(0);
    // The same $50K is a tenth of a small agency and noise for a scale-up.
    expect(scaleScore(50_000, 500_000)).toBe(1);
    expect(scaleScore(50_000, 50_000_000)).toBe(0);
  });

  it("reads the company's size from 13-metrics: ARR, else MRR times 12, else revenue, else 1M", () => {
    expect(companyArr(withMetrics("| ARR | $3.66M | $6.0M | up |"), "USD")).toBe(3_660_000);
    expect(companyArr(withMetrics("| MRR | $40K | $60K | up |"), "USD")).toBe(480_000);
    expect(companyArr(withMetrics("| Revenue | $2.1M | $3M | flat |"), "USD")).toBe(2_100_000);
    expect(companyArr(withMetrics("| Customers | 40 | 60 | up |"), "USD")).toBe(1_000_000);
  });

  it("reads the company's size in its own currency, however the metrics write it", () => {
    expect(companyArr(withMetrics("| ARR | €2.1M | €3M | up |"), "EUR")).toBe(2_100_000);
    expect(companyArr(withMetrics("| ARR | 2,1 Mio. EUR | 3 Mio. EUR | up |"), "EUR")).toBe(2_100_000);
    expect(companyArr(withMetrics("| MRR | 27.720 EUR | 40.000 EUR | up |"), "EUR")).toBe(332_640);
    expect(companyArr(withMetrics("| ARR | CHF 1'200'000 | CHF 2M | up |"), "CHF")).toBe(1_200_000);
    // An ARR in another currency is not the company's size in its own: nothing is converted.
    expect(companyArr(withMetrics("| ARR | $3.66M | $6.0M | up |"), "EUR")).toBe(1_000_000);
  });
});
