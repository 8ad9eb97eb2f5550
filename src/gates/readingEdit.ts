import type { Canvas } from "../canvas/canvas.js";
import type { ThreadTypes } from "../core/threadTypes.js";
import { refuse } from "../core/refusal.js";
import { checkCorrection } from "./correction.js";
import { type Reading, type ReadingFields } from "../core/reading.js";
import type { GatePayload } from "./wire.js";

// An edit at a decision gate may change the drafter's reading (the type, the assumptions tested
// and which way, the amounts) as well as the decision's own fields. A change of the reading is a
// correction: it redrafts from the first stage it changes, so the decision's wording is drafted
// again and an edit of that wording in the same answer would be lost; it is refused instead.

const READING_ONLY = ["type", "assumptions", "facts"] as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The reading an edit at a decision gate corrects (checked: known fields, ids on the canvas), or
 * undefined when it leaves the reading as drafted (an edit of the decision itself). Values sent back
 * unchanged (an inbox returns every field) are not changes.
 */
export function readingEdit(
  payload: GatePayload,
  edits: Record<string, unknown>,
  canvas: Canvas,
  types: ThreadTypes,
): ReadingFields | undefined {
  const args = payload.action_request.args;
  if (!Object.hasOwn(args, "assumptions") || !Object.hasOwn(args, "verdict")) return undefined;
  const changed = Object.keys(edits).filter((key) => Object.hasOwn(args, key) && !same(edits[key], args[key]));
  if (!changed.some((key) => (READING_ONLY as readonly string[]).includes(key))) return undefined;
  const wording = changed.filter((key) => !(READING_ONLY as readonly string[]).includes(key) && key !== "verdict");
  // The two kinds of change together are refused, not one value: the answer as a whole.
  if (wording.length > 0) {
    refuse(
      null,
      `correct the reading (${READING_ONLY.join(", ")}, verdict) or edit the decision's ${wording.join(", ")}, not both in one answer: a corrected reading drafts the decision again`,
    );
  }
  const reading = {
    type: args.type,
    assumptions: args.assumptions,
    verdict: args.verdict,
    facts: args.facts,
  } as Reading;
  return checkCorrection(Object.fromEntries(changed.map((key) => [key, edits[key]])), canvas, reading, types);
}
