import { z } from "zod";
import {
  AssumptionId,
  Direction,
  Fact,
  GoalLink,
  ThreadTypeName,
  Verdict,
  type DecisionOutput,
  type HypothesisOutput,
  type InputOutput,
  type ThreadType,
} from "./stageSchemas.js";

// A person's correction of what the drafter read: the thread's type, the assumptions its event
// tests and which way, the verdict, the amounts it took. Given at the decision gate (an edit of the
// reading) or at any time with `leanos correct`; before the thread acts it redrafts from the first
// stage it corrects, after it is recorded. Every correction counts against the type's trust.

/** The largest correction taken, as JSON: a reading is a few lines, never a document. */
export const MAX_CORRECTION_BYTES = 16 * 1024;

/** A control character (NUL among them): no reading's value holds one, and a file or terminal may act on it. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const Text = z
  .string()
  .min(1)
  .max(300)
  .refine((text) => !CONTROL.test(text), "must not hold a control character (a NUL byte, an escape)");

/** What a correction may set; any other field is refused. Its type is checked against the workspace's by checkCorrection. */
export const ReadingFields = z
  .object({
    type: ThreadTypeName.optional(),
    assumptions: z
      .array(z.object({ id: z.union([AssumptionId, z.literal("NEW")]), direction: Direction }).strict())
      .min(1)
      .max(30)
      .optional(),
    verdict: Verdict.optional(),
    facts: z
      .array(Fact.extend({ text: Text }).strict())
      .max(30)
      .optional(),
    /** The active goal the event serves, by id, or null for none (goals/link.ts). */
    goal: z.union([GoalLink.shape.id, z.null()]).optional(),
  })
  .strict();
export type ReadingFields = z.infer<typeof ReadingFields>;
export const READING_FIELDS = Object.keys(ReadingFields.shape) as Array<keyof ReadingFields>;

/** A correction as it travels to the graph: the fields, and who gave it, when and why. */
export const CorrectionRequest = z
  .object({
    fields: z.record(z.string(), z.unknown()),
    by: z.string().min(1).max(200).optional(),
    at: z.string().min(1).max(64).optional(),
    reason: z
      .string()
      .max(2000)
      .refine((text) => !CONTROL.test(text), "must not hold a control character (a NUL byte, an escape)")
      .optional(),
    /** Where it was given: leanos correct (any time), or an edit of the reading at the decision gate. */
    via: z.enum(["correct", "gate"]).default("correct"),
  })
  .strict();
export type CorrectionRequest = z.infer<typeof CorrectionRequest>;

/** The reading as the drafter left it, in the fields a correction sets. */
export interface Reading {
  type: ThreadType;
  assumptions: Array<{ id: string; direction: z.infer<typeof Direction> }>;
  verdict?: z.infer<typeof Verdict> | undefined;
  facts: Array<z.infer<typeof Fact>>;
  /** The goal the input linked the event to (null: none), where the workspace has goals. */
  goal?: string | null;
}

export function readingOf(
  type: ThreadType,
  outputs: {
    input?: InputOutput | undefined;
    hypothesis?: HypothesisOutput | undefined;
    decision?: DecisionOutput | undefined;
  },
): Reading {
  return {
    type,
    assumptions: (outputs.hypothesis?.tests ?? []).map((test) => ({
      id: test.assumption_id,
      direction: test.direction,
    })),
    ...(outputs.decision ? { verdict: outputs.decision.verdict } : {}),
    facts: (outputs.input?.facts ?? []).map((fact) => ({
      kind: fact.kind,
      text: fact.text,
      ...(fact.value !== undefined ? { value: fact.value } : {}),
    })),
    ...(outputs.input && "goal" in outputs.input ? { goal: outputs.input.goal?.id ?? null } : {}),
  };
}

/** The stage a correction redrafts from: the earliest stage whose output it changes. */
export function firstCorrectedStage(fields: ReadingFields): "input" | "hypothesis" | "decision" {
  if (fields.type !== undefined || fields.facts !== undefined || fields.goal !== undefined) return "input";
  if (fields.assumptions !== undefined) return "hypothesis";
  return "decision";
}

/** What a person set, held over every later redraft of the thread (so a redraft never undoes a correction). */
export const Pins = ReadingFields.omit({ type: true });
export type Pins = z.infer<typeof Pins>;

/** What a correction records on the thread and in the audit log. */
export interface CorrectionRecord {
  at: string;
  by: string;
  /** The thread type the drafter read (the trust the correction counts against). */
  read_as: string;
  fields: ReadingFields;
  reason?: string;
  via: "correct" | "gate";
  /** The thread had acted: its steps were not undone. */
  after_acting: boolean;
  /** Before acting: the stage redrafted from. */
  redrafts_from?: string;
}
