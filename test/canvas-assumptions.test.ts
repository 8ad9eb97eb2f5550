import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAssumptionsDocument } from "../src/canvas/assumptions.js";
import { applyAssumptionChanges } from "../src/canvas/assumptionEdits.js";
import { formatMoney, parseMoney, readMetric, setMetric } from "../src/canvas/metrics.js";
import { sampleWorkspace } from "./helpers.js";

const sampleText = () => readFile(join(sampleWorkspace, "strategy", "canvas", "10-assumptions.md"), "utf8");

/** The lines that differ between two texts of the same length in lines. */
function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split("\n");
  const b = after.split("\n");
  expect(b.length).toBe(a.length);
  return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index]!] as [string, string]]));
}

describe("10-assumptions.md parser and writer", () => {
  it("reads every entry of the sample canvas, A# and H# alike", async () => {
    const doc = parseAssumptionsDocument(await sampleText());
    expect(doc.problems).toEqual([]);
    expect(doc.assumptions.length).toBeGreaterThanOrEqual(10);
    expect(doc.assumptions.map((assumption) => assumption.id)).toEqual(
      expect.arrayContaining(["A1", "A4", "H1", "H2"]),
    );
    expect(doc.assumptions.find((assumption) => assumption.id === "A4")).toMatchObject({
      title: "Luxury brands prefer a white-label SDK",
      status: "TESTING",
      confidence: 60,
      previous_confidence: 40,
      evidence: ["threads/sales/maison-verre-pilot"],
      last_validated: "2026-09-14",
      related_sections: ["04-segments", "07-uvp", "11-revenue"],
    });
  });

  it("writes an unchanged file back byte for byte", async () => {
    const text = await sampleText();
    expect(applyAssumptionChanges(text, [])).toBe(text);
    expect(applyAssumptionChanges(text, [{ id: "A4", confidence: 60 }])).toBe(text);
  });

  it("changes one field on one line and nothing else", async () => {
    const text = await sampleText();
    const after = applyAssumptionChanges(text, [{ id: "A4", confidence: 85 }]);
    expect(changedLines(text, after)).toEqual([
      ["**Confidence:** 60% (previously: 40%)", "**Confidence:** 85% (previously: 60%)"],
    ]);
  });

  it("adds the thread to the evidence, sets the last validation and the status on their own lines", async () => {
    const text = await sampleText();
    const after = applyAssumptionChanges(text, [
      { id: "A4", status: "VALIDATED", addEvidence: "threads/sales/elsaai-deal-closed", lastValidated: "2026-11-25" },
    ]);
    expect(changedLines(text, after)).toEqual([
      ["**Status:** TESTING", "**Status:** VALIDATED"],
      [
        "**Evidence:** threads/sales/maison-verre-pilot",
        "**Evidence:** threads/sales/maison-verre-pilot, threads/sales/elsaai-deal-closed",
      ],
      ["**Last validated:** 2026-09-14", "**Last validated:** 2026-11-25"],
    ]);
    // Adding the same evidence twice does not repeat it.
    expect(applyAssumptionChanges(after, [{ id: "A4", addEvidence: "threads/sales/elsaai-deal-closed" }])).toBe(after);
  });

  it("keeps CRLF line ends", () => {
    const text =
      "# 10. Assumptions\r\n\r\n### A1: Returns hurt\r\n**Status:** TESTING\r\n**Hypothesis:** Returns cost money.\r\n**Confidence:** 50%\r\n**Evidence:** none yet\r\n**Last validated:** never\r\n";
    const doc = parseAssumptionsDocument(text);
    expect(doc.assumptions[0]).toMatchObject({ id: "A1", confidence: 50, evidence: [], last_validated: null });
    const after = applyAssumptionChanges(text, [
      { id: "A1", confidence: 70, addEvidence: "threads/sales/x", lastValidated: "2026-11-25" },
    ]);
    expect(after).toBe(
      "# 10. Assumptions\r\n\r\n### A1: Returns hurt\r\n**Status:** TESTING\r\n**Hypothesis:** Returns cost money.\r\n**Confidence:** 70% (previously: 50%)\r\n**Evidence:** threads/sales/x\r\n**Last validated:** 2026-11-25\r\n",
    );
  });

  it("reads emoji status markers and swaps the marker with the status", () => {
    const text =
      "### H1: Case studies convert\n**Status:** 🧪 TESTING\n**Hypothesis:** Case studies beat awareness posts.\n**Confidence:** 60%\n";
    expect(parseAssumptionsDocument(text).assumptions[0]!.status).toBe("TESTING");
    expect(applyAssumptionChanges(text, [{ id: "H1", status: "VALIDATED" }])).toContain("**Status:** ✅ VALIDATED\n");
  });

  it("adds a missing field line after the entry's last field, in one place", () => {
    const text =
      "### A2: Pilots convert\n**Status:** TESTING\n**Hypothesis:** Pilots convert.\n**Confidence:** 40%\n\n## Notes\nkeep this\n";
    const after = applyAssumptionChanges(text, [
      { id: "A2", addEvidence: "threads/sales/y", lastValidated: "2026-11-25" },
    ]);
    expect(after).toBe(
      "### A2: Pilots convert\n**Status:** TESTING\n**Hypothesis:** Pilots convert.\n**Confidence:** 40%\n**Evidence:** threads/sales/y\n**Last validated:** 2026-11-25\n\n## Notes\nkeep this\n",
    );
  });

  it("keeps extra sections and commentary around the entries untouched", () => {
    const text =
      "# Assumptions\n\nIntro text.\n\n## Business\n\n### A1: X\n**Status:** DRAFT\n**Hypothesis:** H.\n**Confidence:** 20% (previously: 10%) — from two calls\nA note under the entry.\n\n## Campaigns\n\n### H1: Y\n**Status:** TESTING\n**Hypothesis:** H.\n**Confidence:** 50%\n\n## Appendix\n| a | b |\n";
    const after = applyAssumptionChanges(text, [{ id: "A1", confidence: 35 }]);
    expect(changedLines(text, after)).toEqual([
      [
        "**Confidence:** 20% (previously: 10%) — from two calls",
        "**Confidence:** 35% (previously: 20%) — from two calls",
      ],
    ]);
    expect(parseAssumptionsDocument(text).assumptions.map((assumption) => assumption.id)).toEqual(["A1", "H1"]);
  });

  it("reports a malformed entry with its line and still loads the rest", () => {
    const text =
      "### A1: Good\n**Status:** TESTING\n**Hypothesis:** h\n**Confidence:** 50%\n\n### A2: No confidence\n**Status:** TESTING\n**Hypothesis:** h\n\n### A3: Too sure\n**Status:** VALIDATED\n**Hypothesis:** h\n**Confidence:** 140%\n\n### A1: Again\n**Status:** DRAFT\n**Hypothesis:** h\n**Confidence:** 10%\n\n### A4: Odd status\n**Status:** MAYBE\n**Hypothesis:** h\n**Confidence:** 10%\n";
    const doc = parseAssumptionsDocument(text);
    expect(doc.assumptions.map((assumption) => assumption.id)).toEqual(["A1"]);
    expect(doc.problems).toEqual([
      { line: 6, message: "assumption A2 has no **Confidence:** line" },
      { line: 13, message: "assumption A3: confidence 140% is outside 0-100%" },
      { line: 15, message: "duplicate assumption id A1 (first on line 1)" },
      { line: 20, message: expect.stringMatching(/assumption A4 has an invalid status/) },
    ]);
  });

  it("keeps an assumption whose heading or values hold a Unicode line or paragraph separator, as characters of the line", () => {
    // U+2028 and U+2029 end a line for JavaScript's `.` but not for markdown, which ends lines at \n (and \r).
    for (const separator of ["\u2028", "\u2029", "\u0085"]) {
      const text = `### A1: Returns${separator}hurt\n**Status:** TESTING\n**Hypothesis:** Returns${separator}cost money.\n**Confidence:** 50%\n\n### A2: Pilots convert\n**Status:** DRAFT\n**Hypothesis:** h\n**Confidence:** 20%\n`;
      const doc = parseAssumptionsDocument(text);
      expect(doc.problems, JSON.stringify(separator)).toEqual([]);
      expect(
        doc.assumptions.map((assumption) => [
          assumption.id,
          assumption.title,
          assumption.hypothesis,
          assumption.confidence,
          assumption.line,
        ]),
      ).toEqual([
        ["A1", `Returns${separator}hurt`, `Returns${separator}cost money.`, 50, 1],
        ["A2", "Pilots convert", "h", 20, 6],
      ]);
      // Written back byte for byte, and a change still touches only its own line.
      expect(applyAssumptionChanges(text, [])).toBe(text);
      expect(changedLines(text, applyAssumptionChanges(text, [{ id: "A1", confidence: 70 }]))).toEqual([
        ["**Confidence:** 50%", "**Confidence:** 70% (previously: 50%)"],
      ]);
    }
  });

  it("refuses to change an assumption that is not in the file", async () => {
    expect(() =>
      applyAssumptionChanges("### A1: X\n**Status:** DRAFT\n**Hypothesis:** h\n**Confidence:** 1%\n", [
        { id: "A9", confidence: 5 },
      ]),
    ).toThrow(/A9 is not in the file/);
  });
});

describe("13-metrics.md", () => {
  it("rewrites only the Current cell of the named row", async () => {
    const text = await readFile(join(sampleWorkspace, "strategy", "canvas", "13-metrics.md"), "utf8");
    expect(readMetric(text, "ARR")).toBe("$3.66M");
    const after = setMetric(text, "ARR", "$4.76M");
    expect(changedLines(text, after)).toEqual([
      ["| ARR | $3.66M | $6.0M | up from $2.71M |", "| ARR | $4.76M | $6.0M | up from $2.71M |"],
    ]);
    expect(() => setMetric(text, "Happiness", "1")).toThrow(/no row "Happiness"/);
  });

  it("reads and writes money the way the table does", () => {
    expect(parseMoney("$3.66M")).toBe(3_660_000);
    expect(parseMoney("$950K")).toBe(950_000);
    expect(parseMoney("68 customers")).toBeNull();
    expect(formatMoney(4_760_000)).toBe("$4.76M");
    expect(formatMoney(5_000_000)).toBe("$5M");
    expect(formatMoney(84_000)).toBe("$84K");
  });
});
