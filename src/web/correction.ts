import { UsageError } from "../errors.js";

// The thread page's correction form: one box per field of a reading. A box left empty keeps what
// the drafter read; the lists (assumptions, facts) are typed as JSON, as `leanos correct --edit` takes them.

const LISTS = new Set(["assumptions", "facts"]);
/** The boxes of the form, each a field of a reading. */
export const CORRECTED = ["type", "assumptions", "verdict", "facts", "goal"] as const;

/** The correction a posted form asks for, as `leanos correct` takes it (checked there). */
export function correctionOfForm(typed: Readonly<Record<string, string>>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of CORRECTED) {
    const text = typed[key]?.trim();
    if (!text) continue;
    // "none" unlinks the thread from any goal, as null does in `leanos correct --edit`.
    if (key === "goal") {
      fields.goal = text.toLowerCase() === "none" ? null : text;
      continue;
    }
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
    throw new UsageError("nothing to correct: fill in at least one of type, assumptions, verdict, facts or goal");
  return fields;
}
