import type { Canvas, CanvasSection } from "../../src/canvas/canvas.js";
import { roleOfStem } from "../../src/canvas/layouts.js";

// A company that is not the sample: a translation agency for medical-device makers, with its canvas
// laid out as the sample's is (a heading per segment slug, **Label:** lines, an alternatives table).
// The action templates must read right for it without a word of the sample's product or market.

export const OTHER_COMPANY_SECTIONS: Record<string, string> = {
  "01-context": `# 01. Context

## Company at a glance

- **Name:** Lingotrue Translations Ltd. (Cork, Ireland; delivery team in Porto)
- **Product:** regulated translation for medical-device makers
`,
  "04-segments": `# 04. Customer Segments

| Slug | Segment | Clients |
|---|---|---|
| \`device-makers\` | Medical-device manufacturers | 12 |

## device-makers

- **Who:** device makers selling in the EU.
- **Buying centre:** Head of Regulatory Affairs (economic buyer), labeling manager
  (champion), quality assurance.
- **Why they buy:** zero audit findings, consistent terminology.
`,
  "05-problem": `# 05. Problem

## Top problems by segment

### device-makers

1. **Audit exposure.** A mistranslated warning is a non-conformity the maker owns.
2. **Terminology drift.** The same part is named three ways across releases.
3. Urgent labeling changes need every language in days. Agencies quote weeks.

## Existing alternatives

| Alternative | Used by | Why it falls short |
|---|---|---|
| Generalist agencies | Larger makers | Rotating linguists, weak subject review |
| In-house staff | Small makers | Covers three languages at most |
`,
  "06-solution": `# 06. Solution

_Last updated: 2026-10-20._

## What we sell

Regulated translation reviewed by a subject-matter expert in every language,
on a term base we keep per client.
`,
  "07-uvp": `# 07. Unique Value Proposition

## Single-sentence UVP

**Regulated translation that passes audits, in every EU language,
within ten business days.**

### device-makers

- **Headline:** Labeling your notified body never questions.
- **Proof:** zero translation findings across 12 clients' audits
  in the last 12 months.
`,
};

/** A canvas from section texts; what the view reads of a canvas is its sections. */
export function canvasOf(sections: Record<string, string>): Canvas {
  const all = Object.entries(sections).map(([id, text]): CanvasSection => {
    const role = roleOfStem(id);
    return { id, path: `strategy/canvas/${id}.md`, file: `strategy/canvas/${id}.md`, ...(role ? { role } : {}), text };
  });
  return {
    dir: "strategy/canvas",
    mode: "BOOTSTRAP",
    profitableOrFunded: true,
    sections: new Map(all.map((section) => [section.id, section])),
    roles: new Map(all.flatMap((section) => (section.role ? [[section.role, section] as const] : []))),
    layout: "leanos-earlier",
    missing: [],
    assumptions: [],
    assumptionProblems: [],
  };
}
