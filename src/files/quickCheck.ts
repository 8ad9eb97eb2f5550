import type { GeneratedValidator } from "../validators/read.generated.js";

// The read path's check of a file or row: a validator generated from the zod schema at build time
// (scripts/validators/build.mjs), which loads no validator library, and a predicate for what JSON
// Schema cannot say (a refinement, a URL). What either cannot vouch for goes to zod, whose verdict,
// value and wording stand: a value this accepts is one zod accepts, unchanged (test/quick-check.test.ts).

/** The value with its schema's defaults filled, or undefined: then ask zod. */
export function quickCheck<T>(
  raw: unknown,
  validate: GeneratedValidator,
  holds: (value: T) => boolean = () => true,
): T | undefined {
  // The validator fills defaults in place; zod is then given the value as it was read.
  const copy = structuredClone(raw);
  return validate(copy) && holds(copy as T) ? (copy as T) : undefined;
}

/** A URL zod's `.url()` takes as it is: parseable, and nothing for it to trim or strip. */
export const plainUrl = (value: unknown): boolean =>
  typeof value === "string" && value === value.trim() && !/[\t\n\r]/.test(value) && URL.canParse(value);

/** A real calendar date as YYYY-MM-DD, as IsoDate's refinement says (core/schemaFields.ts). */
export function calendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

/**
 * The quick check's value as a successful parse, else zod's own parse of `raw` (its schema loaded
 * then, by `schema`): the callers read one result either way, and zod's words for what is wrong.
 */
export async function quickOrZod<T, Parsed>(
  quick: T | undefined,
  raw: unknown,
  schema: () => Promise<{ safeParse(raw: unknown): Parsed }>,
): Promise<Parsed | { success: true; data: T }> {
  return quick !== undefined ? { success: true, data: quick } : (await schema()).safeParse(raw);
}
