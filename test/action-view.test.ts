import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canvasPitch, companyOf } from "../src/actions/view.js";
import { readCanvas } from "../src/canvas/canvas.js";
import { canvasOf, OTHER_COMPANY_SECTIONS } from "./fakes/otherCompany.js";
import { repoRoot, sampleWorkspace } from "./helpers.js";

describe("canvasPitch: what the action templates quote from the canvas", () => {
  it("reads the segment's name, buyers, problems, headline and proof, the alternatives, the offer and the promise", () => {
    expect(canvasPitch(canvasOf(OTHER_COMPANY_SECTIONS), "device-makers")).toEqual({
      segment_name: "Medical-device manufacturers",
      // Continuation lines are joined; the closing full stop is left for the template.
      buyers: "Head of Regulatory Affairs (economic buyer), labeling manager (champion), quality assurance",
      why_they_buy: "zero audit findings, consistent terminology",
      // The bold lead-in of an item, else its first sentence.
      problems: ["Audit exposure", "Terminology drift", "Urgent labeling changes need every language in days"],
      alternatives: [
        { name: "Generalist agencies", shortfall: "Rotating linguists, weak subject review" },
        { name: "In-house staff", shortfall: "Covers three languages at most" },
      ],
      offer:
        "Regulated translation reviewed by a subject-matter expert in every language, on a term base we keep per client",
      uvp: "Regulated translation that passes audits, in every EU language, within ten business days",
      headline: "Labeling your notified body never questions",
      proof: "zero translation findings across 12 clients' audits in the last 12 months",
    });
  });

  it("leaves the segment's fields empty for a segment the canvas does not describe, and for a thread without one", () => {
    const canvas = canvasOf(OTHER_COMPANY_SECTIONS);
    expect(canvasPitch(canvas, "hospitals")).toMatchObject({
      segment_name: "hospitals",
      buyers: "",
      why_they_buy: "",
      problems: [],
      headline: "",
      proof: "",
    });
    // A slug is matched whole: "device" is not the segment "device-makers".
    expect(canvasPitch(canvas, "device").problems).toEqual([]);
    expect(canvasPitch(canvas, "")).toMatchObject({
      segment_name: "",
      problems: [],
      uvp: "Regulated translation that passes audits, in every EU language, within ten business days",
    });
  });

  it("falls back to the context's product line when the solution has no offer, and finds nothing in a skeleton not filled in", async () => {
    const { "06-solution": _solution, ...rest } = OTHER_COMPANY_SECTIONS;
    expect(canvasPitch(canvasOf(rest), "device-makers").offer).toBe("regulated translation for medical-device makers");
    // `leanos init` lays out every section with headings and empty bullets only (one skeleton per role).
    const skeleton: Record<string, string> = {};
    for (const [id, role] of [
      ["01-context", "context"],
      ["04-segments", "segments"],
      ["05-problem", "problem"],
      ["06-solution", "solution"],
      ["07-uvp", "uvp"],
    ]) {
      skeleton[id!] = (
        await readFile(join(repoRoot, "examples", "skeleton", "canvas", `${role}.md`), "utf8")
      ).replaceAll("{{company}}", "Acme");
    }
    expect(canvasPitch(canvasOf(skeleton), "smb")).toEqual({
      segment_name: "smb",
      buyers: "",
      why_they_buy: "",
      problems: [],
      alternatives: [],
      offer: "",
      uvp: "",
      headline: "",
      proof: "",
    });
  });

  it("reads the sample canvas the same way", async () => {
    const pitch = canvasPitch(await readCanvas(join(sampleWorkspace, "strategy", "canvas")), "luxury-fashion");
    expect(pitch.segment_name).toBe("Luxury fashion houses");
    expect(pitch.problems).toHaveLength(3);
    expect(pitch.alternatives.length).toBeGreaterThanOrEqual(3);
    for (const field of ["buyers", "why_they_buy", "offer", "uvp", "headline", "proof"] as const)
      expect(pitch[field], field).not.toBe("");
  });
});

describe("companyOf: the company's name in documents", () => {
  it("takes a **Company:** line first, then the **Name:** line without its legal form", () => {
    expect(companyOf(canvasOf(OTHER_COMPANY_SECTIONS))).toBe("Lingotrue Translations");
    expect(companyOf(canvasOf({ "01-context": "- **Name:** Acme Health Inc. (Ontario)\n" }))).toBe("Acme Health");
    expect(companyOf(canvasOf({ "01-context": "- **Name:** Acme, Inc. (Delaware)\n" }))).toBe("Acme");
    expect(companyOf(canvasOf({ "01-context": "**Company:** AT&T <Labs>\n\n- **Name:** Other Ltd.\n" }))).toBe(
      "AT&T <Labs>",
    );
  });

  it("falls back to companyName's guess without either line", () => {
    expect(companyOf(canvasOf({ "01-context": "We are DreamCo, a sleep studio.\n" }))).toBe("DreamCo");
    expect(companyOf(canvasOf({}))).toBe("the company");
  });
});
