import type { ZodType } from "zod";
import type { Canvas } from "../canvas/canvas.js";
import type { ThreadTypes } from "../core/threadTypes.js";
import { UsageError, describeZodIssues } from "../errors.js";
import { editedValues, pendingItem, type GatePayload, type GateResponse, type GivenAnswer } from "./wire.js";

// The checks every answer must pass before a gate takes it, whoever sends it (the CLI checks first
// and exits 2; the gate node checks again and asks again saying why). An answer that fails any of
// them changes nothing. Each gate kind adds its own checks on edited values (see definition.ts).

export interface AnswerContext {
  thread: string;
  workspaceRoot: string;
  /** The output schema of a stage, refined for the workspace. */
  stageSchema: (stage: string) => ZodType;
  /** The workspace's canvas, for a correction of the reading (the assumptions it may name). */
  canvas: Canvas;
  /** The workspace's thread types, for a correction of the type or a follow-up's type. */
  threadTypes: ThreadTypes;
}

/** What one gate kind checks beyond the answer type; each throws a UsageError naming the field. */
export interface AnswerRules {
  /** Edited values: `edits` as sent, checked against what the gate offers and what its field can hold. */
  checkEdit(payload: GatePayload, edits: Record<string, unknown>, context: AnswerContext): void;
  /** Anything any answer but a rejection must satisfy (a reported outcome, a canvas still as asked). */
  checkTaken?(payload: GatePayload, edits: Record<string, unknown>, context: AnswerContext): Promise<void>;
}

/** Refuses an answer the gate does not allow or whose values would not hold; throws a UsageError saying why. */
export async function checkAnswer(
  rules: AnswerRules,
  payload: GatePayload,
  response: GivenAnswer,
  context: AnswerContext,
): Promise<void> {
  const { thread } = context;
  const info = payload.leanos;
  const allowed = pendingItem(payload).allowed;
  const answerName = response.type === "response" ? "respond" : response.type === "ignore" ? "reject" : response.type;
  if (!allowed.includes(answerName)) {
    throw new UsageError(
      `"${answerName}" is not allowed at this ${info.kind} gate of ${thread} (allowed: ${allowed.join(", ")})`,
    );
  }
  const edits = response.type === "edit" ? editedValues(response as GateResponse) : {};
  if (response.type === "edit") {
    if (Object.keys(edits).length === 0) throw new UsageError("--edit needs a JSON object of the values to change");
    rules.checkEdit(payload, edits, context);
  }
  if (response.type === "response" && (typeof response.args !== "string" || response.args.trim().length === 0)) {
    throw new UsageError("respond needs the feedback text");
  }
  if (response.type === "ignore" && typeof response.args === "string" && response.args.trim().length === 0) {
    throw new UsageError("--reason must say why (it is recorded in the thread); leave --reason out to record none");
  }
  if (response.type !== "ignore") await rules.checkTaken?.(payload, edits, context);
}

/** Refuses an edit of a key the gate does not offer (own keys only) or a key set by policy. */
export function checkOwnFields(payload: GatePayload, edits: Record<string, unknown>): void {
  const editable = payload.action_request.args;
  for (const key of Object.keys(edits)) {
    // Own keys only: "__proto__", "constructor" and "toString" are found `in` every object.
    if (Object.hasOwn(payload.leanos.locked, key))
      throw new UsageError(`--edit: "${key}" is set by policy and cannot be edited`);
    if (!Object.hasOwn(editable, key))
      throw new UsageError(
        `--edit: "${key}" is not a field of this draft (fields: ${Object.keys(editable).join(", ")})`,
      );
  }
}

/** Refuses edited values that make the draft fail its schema: the draft's values, the policy's, then the edits. */
export function checkEditedDraft(payload: GatePayload, edits: Record<string, unknown>, schema: ZodType): void {
  checkOwnFields(payload, edits);
  const parsed = schema.safeParse({ ...payload.action_request.args, ...payload.leanos.locked, ...edits });
  if (!parsed.success) throw new UsageError(`--edit: ${describeZodIssues(parsed.error.issues)}`);
}
