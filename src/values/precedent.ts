import { calendarDate } from "../files/quickCheck.js";

// A decision precedent, in LeanOS's line form: "domain | situation pattern | decision | principle |
// YYYY-MM-DD". A pipe inside a field is written "\|", so a person's words with a pipe in them are
// kept whole and read back as they were written.

export interface Precedent {
  domain: string;
  situation: string;
  decision: string;
  principle: string;
  date: string;
  line?: number;
}

const FIELDS = ["domain", "situation", "decision", "principle", "date"] as const;

/** A field as the line holds it: on one line, its pipes escaped. */
const escapedField = (text: string): string =>
  text.replace(/\s+/g, " ").trim().replace(/\\/g, "\\\\").replace(/\|/g, "\\|");

/** The line of a precedent, as values.md keeps it. */
export function precedentLine(precedent: Precedent): string {
  return FIELDS.map((field) => escapedField(precedent[field])).join(" | ");
}

/** A precedent line read (table pipes at its ends allowed), or why it cannot be. */
export function parsePrecedent(text: string, line?: number): Precedent | { problem: string } {
  const fields: string[] = [];
  let current = "";
  const inner = text
    .trim()
    .replace(/^\|\s*/, "")
    .replace(/\s*\|$/, "");
  for (let index = 0; index < inner.length; index += 1) {
    const char = inner[index]!;
    if (char === "\\" && index + 1 < inner.length) {
      current += inner[index + 1];
      index += 1;
    } else if (char === "|") {
      fields.push(current.trim());
      current = "";
    } else current += char;
  }
  fields.push(current.trim());
  if (fields.length !== FIELDS.length)
    return {
      problem: `expected 5 fields "domain | situation | decision | principle | YYYY-MM-DD" (a pipe inside a field is written \\|), found ${fields.length}`,
    };
  const [domain, situation, decision, principle, date] = fields as [string, string, string, string, string];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !calendarDate(date))
    return { problem: `"${date}" is not a calendar date (YYYY-MM-DD)` };
  if ([domain, situation, decision, principle].some((field) => field === "")) return { problem: "a field is empty" };
  return { domain, situation, decision, principle, date, ...(line === undefined ? {} : { line }) };
}
