import type { Canvas } from "../canvas/canvas.js";
import { AnswerRefused, REASON_FIELD, refuse, refusalOfIssues } from "../core/refusal.js";
import {
  CorrectionRequest,
  MAX_CORRECTION_BYTES,
  READING_FIELDS,
  ReadingFields,
  type Reading,
} from "../core/reading.js";
import { canonicalType, unknownTypeMessage, type ThreadTypes } from "../core/threadTypes.js";

// The checks a person's correction passes before it is taken (the fields themselves: core/reading.ts).

/** Refuses a reason a correction cannot record: too long, or holding a control character. */
export function checkReason(reason: string | undefined): void {
  const parsed = CorrectionRequest.shape.reason.safeParse(reason);
  if (!parsed.success) refuse(REASON_FIELD, parsed.error.issues.map((issue) => issue.message).join("; "));
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The fields of `given` checked (known fields, possible values, a type of the workspace, assumptions
 * on the canvas) and kept only where they change the reading. A type is kept as the workspace names
 * it: business and operations are one type, written under the workspace's name of it. Throws an
 * AnswerRefused naming the first problem; a correction that changes nothing is refused too, so
 * nothing is recorded for it.
 */
export function checkCorrection(
  given: unknown,
  canvas: Canvas,
  reading: Reading,
  types: ThreadTypes,
  /** The ids of the workspace's active goals, which a goal link may name. */
  goals: readonly string[] = [],
): ReadingFields {
  if (given === null || typeof given !== "object" || Array.isArray(given))
    refuse(null, "a correction is an object of the reading's fields to correct", READING_FIELDS);
  const size = Buffer.byteLength(JSON.stringify(given), "utf8");
  if (size > MAX_CORRECTION_BYTES)
    refuse(
      null,
      `the correction is ${Math.ceil(size / 1024)} KB; a correction holds at most ${MAX_CORRECTION_BYTES / 1024} KB (a reading's fields, not a document)`,
    );
  for (const key of Object.keys(given)) {
    if (!(READING_FIELDS as string[]).includes(key))
      refuse(null, `"${key}" is not a field a correction sets`, READING_FIELDS);
  }
  const typed = (given as { type?: unknown }).type;
  if (typeof typed === "string" && canonicalType(types, typed) === undefined)
    refuse("type", unknownTypeMessage(types, typed));
  const parsed = ReadingFields.safeParse(given);
  if (!parsed.success) throw new AnswerRefused(refusalOfIssues(parsed.error.issues));
  const fields =
    parsed.data.type === undefined ? parsed.data : { ...parsed.data, type: canonicalType(types, parsed.data.type)! };
  const known = new Set(canvas.assumptions.map((assumption) => assumption.id));
  const seen = new Set<string>();
  for (const [index, test] of (fields.assumptions ?? []).entries()) {
    if (test.id !== "NEW" && !known.has(test.id))
      refuse(`assumptions.${index}.id`, `${test.id} is not in strategy/canvas/10-assumptions.md`, [...known]);
    if ((test.id === "NEW") !== (test.direction === "new"))
      refuse(`assumptions.${index}.direction`, `"new" goes with id "NEW" and only with it`);
    if (test.id !== "NEW" && seen.has(test.id)) refuse(`assumptions.${index}.id`, `${test.id} is named twice`);
    seen.add(test.id);
  }
  if (fields.goal !== undefined && goals.length === 0 && reading.goal === undefined)
    refuse("goal", "the workspace has no active goal to link a thread to (leanos goal add sets one)");
  if (typeof fields.goal === "string" && !goals.includes(fields.goal))
    refuse(
      "goal",
      goals.length > 0
        ? `${fields.goal} is not an active goal (strategy/goals/active/); null links the thread to none`
        : `${fields.goal} is not an active goal: the workspace has none now`,
      goals.length > 0 ? [...goals] : undefined,
    );
  if (fields.verdict !== undefined && reading.verdict === undefined)
    refuse("verdict", "the thread has no decision drafted yet to correct");
  // The reading's type as the workspace names it: a business thread corrected to operations (or back) changes nothing.
  const read = { ...reading, type: canonicalType(types, reading.type) ?? reading.type };
  const changed = Object.fromEntries(
    Object.entries(fields).filter(([key, value]) => !same(value, read[key as keyof Reading])),
  ) as ReadingFields;
  if (Object.keys(changed).length === 0)
    refuse(null, "every value given is what the drafter read already: nothing to correct");
  return changed;
}
