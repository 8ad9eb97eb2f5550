import { z } from "zod";
import { calendarDate } from "../files/quickCheck.js";
import { BUILT_IN_TYPES, TYPE_NAME, TYPE_NAME_RULE, unknownTypeMessage, type ThreadTypes } from "./threadTypes.js";

// The shapes stage outputs are built from (stageSchemas.ts): dates, thread type names, ids, scores
// and percentages, text, and the confidence every stage's draft may carry.

/** A real calendar date as YYYY-MM-DD (2026-02-30 and 2026-13-45 are refused). */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine(calendarDate, "not a calendar date");
/**
 * A thread type's name, by its shape only (a lower-case identifier). Which names a workspace takes is
 * its ThreadTypes (threadTypes.ts): wherever a type comes in (meta.json read from disk, a stage's
 * output, a correction, --type), it is checked with `threadTypeIn` against the workspace's types.
 */
export const ThreadTypeName = z.string().regex(TYPE_NAME, TYPE_NAME_RULE);
export type ThreadType = z.infer<typeof ThreadTypeName>;
/** The kinds LeanOS has, under their first names (the offline drafter's rules and the eval sets use these). */
export const BuiltInThreadType = z.enum(BUILT_IN_TYPES);
/**
 * A thread type of a workspace: one of `names` (its types, as threadTypes.ts lists them); any other
 * is refused, naming the workspace's types and the setting that declares more.
 */
export function threadTypeIn(types: ThreadTypes, names: readonly string[] = types.known) {
  return z.enum(names as [string, ...string[]], { error: (issue) => unknownTypeMessage(types, String(issue.input)) });
}
export const BusinessMode = z.enum(["VENTURE", "BOOTSTRAP", "HYBRID"]);
export type BusinessMode = z.infer<typeof BusinessMode>;
export const AssumptionId = z.string().regex(/^[AH]\d+$/, "expected an assumption id such as A4 or H1");
export const ActionTypeName = z
  .string()
  .regex(/^[a-z]+:[a-z][a-z0-9-]*$/, "expected an action type such as sales:qualify");
export const Score = z.number().min(0).max(1);
export const Percent = z.number().int().min(0).max(100);

export const Text = z.string().min(1);

/**
 * How sure the drafter is of a stage's draft, and why not surer. Under the workspace's
 * confidence_floor the decision waits for a person whatever the impact and the autonomy mode, and
 * its question gives these reasons. A drafter that does not say is taken at its word (no floor).
 */
export const DraftConfidence = z.object({
  score: Score,
  /** What makes it a guess ("no amount read from the event"); empty when nothing does. */
  reasons: z.array(z.string().min(1)),
});
export type DraftConfidence = z.infer<typeof DraftConfidence>;
