import { z } from "zod";
import { UsageError } from "../errors.js";

// Why a gate refused an answer, as data: the gates and the graph say what is wrong and where, and
// each front end words it for its own people (the CLI names its options, the web inbox puts it next
// to the form's field, the chat says it in a sentence). Nothing here names a command or an option.

/** The answer's own part a refusal may name besides an edited value: the reason given with a rejection or a correction. */
export const REASON_FIELD = "reason";

export const GateRefusal = z
  .object({
    /**
     * The answer's field at fault: an edited value, by its path ("verdict", "assumptions.0.id",
     * "A4.confidence"), or the answer's reason (REASON_FIELD). Null when the answer as a whole is
     * refused: an answer type the gate does not allow, a field the question does not have, nothing
     * to change.
     */
    field: z.string().min(1).nullable(),
    /** Why, in plain words, without the field's name (front ends put it where it belongs). */
    reason: z.string().min(1),
    /**
     * What would be accepted, where it is known: with a field, the values it takes; without one,
     * the answer types or the fields the question has.
     */
    allowed: z.array(z.string()).optional(),
  })
  .strict();
export type GateRefusal = z.infer<typeof GateRefusal>;

/** An answer a gate refused: still a usage error (exit 2, nothing changed), now carrying its refusal. */
export class AnswerRefused extends UsageError {
  readonly refusal: GateRefusal;
  constructor(refusal: GateRefusal) {
    const parsed = GateRefusal.parse(refusal);
    super(refusalText(parsed));
    this.name = "AnswerRefused";
    this.refusal = parsed;
  }
}

/** Throws the refusal of `field` (null: the answer as a whole) for `reason`. */
export function refuse(field: string | null, reason: string, allowed?: readonly string[]): never {
  throw new AnswerRefused({ field, reason, ...(allowed ? { allowed: [...allowed] } : {}) });
}

/**
 * A schema's refusal of edited values: the first problem, at its path. A person mends one value at a
 * time, and every front end can put one problem next to its field.
 */
export function refusalOfIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): GateRefusal {
  const first = issues[0];
  if (!first) return { field: null, reason: "the values are not valid" };
  return { field: first.path.length > 0 ? first.path.map(String).join(".") : null, reason: first.message };
}

/**
 * A refusal in words that name no front end's controls: what a LangGraph client, the graph's own
 * question ("your last answer was refused") and the audit log show.
 */
export function refusalText(refusal: GateRefusal): string {
  const allowed = refusal.allowed && refusal.allowed.length > 0 ? ` (allowed: ${refusal.allowed.join(", ")})` : "";
  return `${refusal.field === null ? "" : `${refusal.field}: `}${refusal.reason}${allowed}`;
}
