import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Canvas } from "../src/canvas/canvas.js";
import { amountsIn, dominantCurrency, parseAmount, showAmount, workspaceCurrency } from "../src/text/money.js";
import { tempDir } from "./helpers.js";

// The offline drafter reads a sum of money as the world writes it: an ISO code or a symbol before or
// after the amount, English or continental digit grouping, and multipliers. Each sum keeps its
// currency; nothing is converted.

describe("a sum of money in an event", () => {
  // [as written, the sum, its currency]: read with the default workspace currency (USD).
  const spellings: Array<[string, number, string]> = [
    ["EUR 27,720 ARR", 27_720, "EUR"],
    ["27.720 EUR ARR", 27_720, "EUR"],
    ["€27,720", 27_720, "EUR"],
    ["€ 27.720", 27_720, "EUR"],
    ["27 720 €", 27_720, "EUR"],
    ["27\u00a0720 €", 27_720, "EUR"],
    ["27'720 CHF", 27_720, "CHF"],
    ["CHF 1’200’000", 1_200_000, "CHF"],
    ["27.720,50 €", 27_720.5, "EUR"],
    ["€27,720.50", 27_720.5, "EUR"],
    ["27.720,- €", 27_720, "EUR"],
    ["EUR27k", 27_000, "EUR"],
    ["5k€", 5_000, "EUR"],
    ["20 kEUR", 20_000, "EUR"],
    ["5 MEUR", 5_000_000, "EUR"],
    ["€1.2m", 1_200_000, "EUR"],
    ["27,5 Mio. EUR", 27_500_000, "EUR"],
    ["1,2 Mrd. €", 1_200_000_000, "EUR"],
    ["300 euros", 300, "EUR"],
    ["£950K", 950_000, "GBP"],
    ["GBP 1.5bn", 1_500_000_000, "GBP"],
    ["$1.1M ARR", 1_100_000, "USD"],
    ["US$ 46K", 46_000, "USD"],
    ["USD 129,312.00", 129_312, "USD"],
    ["$0.004 per session", 0.004, "USD"],
    ["$1,250K", 1_250_000, "USD"],
    ["1.250M USD", 1_250_000, "USD"],
    ["¥12,000", 12_000, "JPY"],
    ["JPY 3.5 million", 3_500_000, "JPY"],
    ["₹3 crore", 30_000_000, "INR"],
    ["Rs. 45 lakh", 4_500_000, "INR"],
    ["INR 2,50,000", 250_000, "INR"],
    ["SEK 450 000", 450_000, "SEK"],
    ["450 000 kr", 450_000, "SEK"],
    ["NOK 12.500", 12_500, "NOK"],
    ["DKK 9.999,95", 9_999.95, "DKK"],
    ["2 500 zł", 2_500, "PLN"],
    ["PLN 40K", 40_000, "PLN"],
    ["A$1.5bn", 1_500_000_000, "AUD"],
    ["C$ 40K", 40_000, "CAD"],
    ["CAD 7,500", 7_500, "CAD"],
  ];

  it.each(spellings)("reads %s as %d %s", (written, value, currency) => {
    const [sum, ...others] = amountsIn(`The deal: ${written} signed today.`);
    expect(others).toEqual([]);
    expect(sum).toMatchObject({ value, currency });
    expect(sum!.text).toBe(written.replace(/ ARR$| per session$/, ""));
  });

  it("covers at least thirty spellings: codes and symbols on either side, both groupings, decimals and multipliers", () => {
    expect(spellings.length).toBeGreaterThanOrEqual(30);
    expect(new Set(spellings.map(([, , currency]) => currency)).size).toBeGreaterThanOrEqual(10);
  });

  it("is not a number that only stands near a currency's letters, a year or a hyphenated word", () => {
    expect(amountsIn("EUROPE 500 stores")).toEqual([]);
    expect(amountsIn("We opened 12 stores in 2026.")).toEqual([]);
    expect(amountsIn("Fr. 12 Dec: the team met.")).toEqual([]);
    expect(amountsIn("Upgraded to PHP 8.2 last week.")).toEqual([]);
    expect(amountsIn("Q3: 5 won, 2 lost.")).toEqual([]);
    expect(amountsIn("27.720 EUR, 3-year term").map((sum) => sum.text)).toEqual(["27.720 EUR"]);
  });

  it("gives a sign between two numbers to the one that reads as a sum", () => {
    expect(amountsIn("Budget 2026 EUR 5,000 for ads").map((sum) => sum.value)).toEqual([5_000]);
    expect(amountsIn("Setup 300 EUR, support 400 EUR").map((sum) => sum.value)).toEqual([300, 400]);
  });

  it("reads an ambiguous sign as the workspace's currency when it may mean it, else as its first meaning", () => {
    expect(amountsIn("$5,000")[0]!.currency).toBe("USD");
    expect(amountsIn("$5,000", "CAD")[0]!.currency).toBe("CAD");
    expect(amountsIn("$5,000", "EUR")[0]!.currency).toBe("USD");
    expect(amountsIn("kr 500", "NOK")[0]!.currency).toBe("NOK");
    expect(amountsIn("¥12,000", "CNY")[0]!.currency).toBe("CNY");
  });
});

describe("a written amount's figure", () => {
  it("groups by a mark used twice, or once with three digits after it; otherwise the mark is the decimal point", () => {
    expect(parseAmount("1.234.567")).toBe(1_234_567);
    expect(parseAmount("27.720")).toBe(27_720);
    expect(parseAmount("27,720")).toBe(27_720);
    expect(parseAmount("27,5")).toBe(27.5);
    expect(parseAmount("27.72")).toBe(27.72);
    expect(parseAmount("0.004")).toBe(0.004);
    // Before a multiplier a dot is a decimal point ("1.250M" is English for 1.25 million).
    expect(parseAmount("1.250", true)).toBe(1.25);
    expect(parseAmount("1,250", true)).toBe(1_250);
  });

  it("takes the last of two different marks as the decimal point, and spaces and apostrophes as grouping", () => {
    expect(parseAmount("27.720,50")).toBe(27_720.5);
    expect(parseAmount("27,720.50")).toBe(27_720.5);
    expect(parseAmount("27 720")).toBe(27_720);
    expect(parseAmount("27'720.50")).toBe(27_720.5);
    expect(parseAmount("1 234,5")).toBe(1_234.5);
  });
});

describe("the workspace's currency", () => {
  async function canvasIn(texts: string[], config?: string): Promise<Canvas> {
    const root = await tempDir();
    const dir = join(root, "strategy", "canvas");
    await mkdir(dir, { recursive: true });
    if (config !== undefined) {
      await mkdir(join(root, ".leanos"), { recursive: true });
      await writeFile(join(root, ".leanos", "config.yaml"), config);
    }
    return {
      dir,
      sections: new Map(
        texts.map((text, index) => [
          `section-${index}`,
          { id: `section-${index}`, path: join(dir, `${index}.md`), text },
        ]),
      ),
    } as unknown as Canvas;
  }

  it("is the one the canvas writes most, USD when it names none, and the setting `currency` before either", async () => {
    expect(
      workspaceCurrency(await canvasIn(["| ARR | €2.1M | €3M |", "Average deal 27.720 EUR; one US reseller at $40K."])),
    ).toBe("EUR");
    expect(workspaceCurrency(await canvasIn(["We sell to bakeries."]))).toBe("USD");
    expect(workspaceCurrency(await canvasIn(["| ARR | €2.1M | €3M |"], "currency: CHF\n"))).toBe("CHF");
  });

  it("counts an ambiguous sign for the meaning the canvas writes plainly", () => {
    expect(dominantCurrency("ARR CAD 2.1M, target CAD 3M; deals $40K and $35K; one US customer at USD 12K")).toBe(
      "CAD",
    );
    expect(dominantCurrency("deals $40K and $35K")).toBe("USD");
  });

  it("is how a sum is shown: in full for a rationale, compact for a metrics table", () => {
    expect(showAmount(27_720, "EUR")).toBe("€27,720");
    expect(showAmount(27_720, "CHF")).toBe("CHF 27,720");
    expect(showAmount(4_760_000, "USD", true)).toBe("$4.76M");
    expect(showAmount(950_000, "EUR", true)).toBe("€950K");
  });
});
