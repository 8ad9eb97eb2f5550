import { UsageError } from "../errors.js";

// The thread page's correction form: one box per field of a reading. A box left empty keeps what
// the drafter read; the lists (assumptions, facts) are typed as JSON, as `leanos correct --edit` takes them.

const LISTS = new Set(["assumptions", "facts"]);

/** The correction a posted form asks for, as `leanos correct` takes it (checked there). */
export function correctionOfForm(typed: Readonly<Record<string, string>>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of ["type", "assumptions", "verdict", "facts"]) {
    const text = typed[key]?.trim();
    if (!text) continue;
    if (!LISTS.has(key)) {
      fields[key] = text;
      continue;
    }
    try {
      fields[key] = JSON.parse(text) as unknown;
    } catch {
      throw new UsageError(
        `${key}: not valid JSON; write it as a list, e.g. ${key === "assumptions" ? '[{"id":"A4","direction":"challenges"}]' : '[{"kind":"money","text":"EUR 1,200 a month","value":1200}]'}`,
      );
    }
  }
  if (Object.keys(fields).length === 0)
    throw new UsageError("nothing to correct: fill in at least one of type, assumptions, verdict or facts");
  return fields;
}
