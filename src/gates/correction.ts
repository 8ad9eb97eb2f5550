import { z } from "zod";
import type { Canvas } from "../canvas/canvas.js";
import { UsageError, describeZodIssues } from "../errors.js";
import {
  AssumptionId,
  Direction,
  Fact,
  ThreadTypeName,
  Verdict,
  type DecisionOutput,
  type HypothesisOutput,
  type InputOutput,
  type ThreadType,
} from "../stages/schemas.js";
import { canonicalType, unknownTypeMessage, type ThreadTypes } from "../stages/threadTypes.js";

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

/** Refuses a reason a correction cannot record: too long, or holding a control character. */
export function checkReason(reason: string | undefined): void {
  const parsed = CorrectionRequest.shape.reason.safeParse(reason);
  if (!parsed.success) throw new UsageError(`--reason: ${describeZodIssues(parsed.error.issues)}`);
}

/** The reading as the drafter left it, in the fields a correction sets. */
export interface Reading {
  type: ThreadType;
  assumptions: Array<{ id: string; direction: z.infer<typeof Direction> }>;
  verdict?: z.infer<typeof Verdict> | undefined;
  facts: Array<z.infer<typeof Fact>>;
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
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The fields of `given` checked (known fields, possible values, a type of the workspace, assumptions
 * on the canvas) and kept only where they change the reading. A type is kept as the workspace names
 * it: business and operations are one type, written under the workspace's name of it. Throws a
 * UsageError naming the first problem; a correction that changes nothing is refused too, so nothing
 * is recorded for it.
 */
export function checkCorrection(given: unknown, canvas: Canvas, reading: Reading, types: ThreadTypes): ReadingFields {
  if (given === null || typeof given !== "object" || Array.isArray(given))
    throw new UsageError(
      "--edit needs a JSON object of the reading's fields to correct (type, assumptions, verdict, facts)",
    );
  const size = Buffer.byteLength(JSON.stringify(given), "utf8");
  if (size > MAX_CORRECTION_BYTES)
    throw new UsageError(
      `--edit: the correction is ${Math.ceil(size / 1024)} KB; a correction holds at most ${MAX_CORRECTION_BYTES / 1024} KB (a reading's fields, not a document)`,
    );
  for (const key of Object.keys(given)) {
    if (!(READING_FIELDS as string[]).includes(key))
      throw new UsageError(`--edit: "${key}" is not a field a correction sets (fields: ${READING_FIELDS.join(", ")})`);
  }
  const typed = (given as { type?: unknown }).type;
  if (typeof typed === "string" && canonicalType(types, typed) === undefined)
    throw new UsageError(`--edit: type: ${unknownTypeMessage(types, typed)}`);
  const parsed = ReadingFields.safeParse(given);
  if (!parsed.success) throw new UsageError(`--edit: ${describeZodIssues(parsed.error.issues)}`);
  const fields =
    parsed.data.type === undefined ? parsed.data : { ...parsed.data, type: canonicalType(types, parsed.data.type)! };
  const known = new Set(canvas.assumptions.map((assumption) => assumption.id));
  const seen = new Set<string>();
  for (const [index, test] of (fields.assumptions ?? []).entries()) {
    if (test.id !== "NEW" && !known.has(test.id))
      throw new UsageError(
        `--edit: assumptions.${index}.id: ${test.id} is not in strategy/canvas/10-assumptions.md (known: ${[...known].join(", ")})`,
      );
    if ((test.id === "NEW") !== (test.direction === "new"))
      throw new UsageError(`--edit: assumptions.${index}.direction: "new" goes with id "NEW" and only with it`);
    if (test.id !== "NEW" && seen.has(test.id))
      throw new UsageError(`--edit: assumptions.${index}.id: ${test.id} is named twice`);
    seen.add(test.id);
  }
  if (fields.verdict !== undefined && reading.verdict === undefined)
    throw new UsageError("--edit: verdict: the thread has no decision drafted yet to correct");
  // The reading's type as the workspace names it: a business thread corrected to operations (or back) changes nothing.
  const read = { ...reading, type: canonicalType(types, reading.type) ?? reading.type };
  const changed = Object.fromEntries(
    Object.entries(fields).filter(([key, value]) => !same(value, read[key as keyof Reading])),
  ) as ReadingFields;
  if (Object.keys(changed).length === 0)
    throw new UsageError("--edit: every value given is what the drafter read already: nothing to correct");
  return changed;
}

/** The stage a correction redrafts from: the earliest stage whose output it changes. */
export function firstCorrectedStage(fields: ReadingFields): "input" | "hypothesis" | "decision" {
  if (fields.type !== undefined || fields.facts !== undefined) return "input";
  if (fields.assumptions !== undefined) return "hypothesis";
  return "decision";
}

/** What a person set, held over every later redraft of the thread (so a redraft never undoes a correction). */
export const Pins = ReadingFields.omit({ type: true });
export type Pins = z.infer<typeof Pins>;

/**
 * A drafted stage output with the pinned values put back: the amounts on the input, the assumptions'
 * directions on the hypothesis (tests a person left out are dropped, those they added are added from
 * the canvas), the verdict on the decision.
 */
export function withPins(
  schema: string,
  output: unknown,
  pins: Pins | undefined,
  canvas: Canvas,
  by = "a person",
): unknown {
  const pinned = pinnedOutput(schema, output, pins, canvas, by);
  // What a person set is not the drafter's guess: the stage no longer says it was unsure.
  return pinned === output ? output : { ...(pinned as Record<string, unknown>), confidence: { score: 1, reasons: [] } };
}

function pinnedOutput(schema: string, output: unknown, pins: Pins | undefined, canvas: Canvas, by: string): unknown {
  if (!pins) return output;
  if (schema === "input" && pins.facts) return { ...(output as InputOutput), facts: pins.facts };
  if (schema === "decision" && pins.verdict) {
    const decision = output as DecisionOutput;
    return {
      ...decision,
      verdict: pins.verdict,
      ...(decision.verdict === pins.verdict
        ? {}
        : { statement: `${pins.verdict}: ${decision.statement.replace(/^[A-Z]+:\s*/, "")}` }),
    };
  }
  if (schema === "hypothesis" && pins.assumptions)
    return withTests(output as HypothesisOutput, pins.assumptions, canvas, `${by}'s correction of the reading`);
  return output;
}

/**
 * A hypothesis whose tests are `assumptions` in their directions: a test drafted the same way keeps
 * its evidence and move, one drafted otherwise or not at all is set from the canvas with a modest
 * move, its evidence saying where it came from (`source`); tests left out are dropped.
 */
export function withTests(
  hypothesis: HypothesisOutput,
  assumptions: ReadonlyArray<{ id: string; direction: z.infer<typeof Direction> }>,
  canvas: Canvas,
  source: string,
): HypothesisOutput {
  const tests = assumptions.map((pinned) => {
    const drafted = hypothesis.tests.find((test) => test.assumption_id === pinned.id);
    const assumption = canvas.assumptions.find((candidate) => candidate.id === pinned.id);
    const previous = drafted?.previous_confidence ?? assumption?.confidence ?? null;
    const kept = drafted !== undefined && drafted.direction === pinned.direction;
    return {
      assumption_id: pinned.id,
      title: drafted?.title ?? assumption?.title ?? "a new assumption",
      direction: pinned.direction,
      previous_confidence: previous,
      proposed_confidence: kept ? drafted.proposed_confidence : movedConfidence(previous, pinned.direction),
      evidence: kept ? drafted.evidence : `${pinned.direction} by ${source}`,
    };
  });
  return { ...hypothesis, tests };
}

/** A modest move the way a person set: one event is one event, whoever reads it. */
function movedConfidence(previous: number | null, direction: z.infer<typeof Direction>): number {
  const from = previous ?? 50;
  const step = direction === "validates" ? 5 : direction === "challenges" ? -5 : direction === "invalidates" ? -10 : 0;
  return Math.max(0, Math.min(100, from + step));
}
