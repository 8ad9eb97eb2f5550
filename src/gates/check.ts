import type { ZodType } from "zod";
import { refuse, refusalOfIssues, AnswerRefused, REASON_FIELD } from "../core/refusal.js";
import { editedValues, pendingItem, type GatePayload, type GateResponse, type GivenAnswer } from "./wire.js";

// The checks every answer must pass before a gate takes it, whoever sends it (the CLI checks first
// and exits 2; the gate node checks again and asks again saying why). An answer that fails any of
// them changes nothing. Each gate kind adds its own checks on edited values (see definition.ts).
// A check throws an AnswerRefused (core/refusal.ts): the field at fault and why, worded by each front end.

import type { AnswerContext } from "../graph/gateSet.js";

export type { AnswerContext };

/** What one gate kind checks beyond the answer type; each throws an AnswerRefused naming the field. */
export interface AnswerRules {
  /** Edited values: `edits` as sent, checked against what the gate offers and what its field can hold. */
  checkEdit(payload: GatePayload, edits: Record<string, unknown>, context: AnswerContext): void;
  /** Anything any answer but a rejection must satisfy (a reported outcome, a canvas still as asked). */
  checkTaken?(payload: GatePayload, edits: Record<string, unknown>, context: AnswerContext): Promise<void>;
}

/** Refuses an answer the gate does not allow or whose values would not hold; throws an AnswerRefused saying why. */
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
  if (!allowed.includes(answerName))
    refuse(null, `"${answerName}" is not allowed at this ${info.kind} gate of ${thread}`, allowed);
  const edits = response.type === "edit" ? editedValues(response as GateResponse) : {};
  if (response.type === "edit") {
    if (Object.keys(edits).length === 0)
      refuse(null, "an edit needs at least one value to change", Object.keys(payload.action_request.args));
    rules.checkEdit(payload, edits, context);
  }
  if (response.type === "response" && (typeof response.args !== "string" || response.args.trim().length === 0))
    refuse(null, "respond needs the feedback text");
  if (response.type === "ignore" && typeof response.args === "string" && response.args.trim().length === 0)
    refuse(REASON_FIELD, "must say why (it is recorded in the thread); leave it out to record none");
  if (response.type !== "ignore") await rules.checkTaken?.(payload, edits, context);
}

/** Refuses an edit of a key the gate does not offer (own keys only) or a key set by policy. */
export function checkOwnFields(payload: GatePayload, edits: Record<string, unknown>): void {
  const editable = payload.action_request.args;
  for (const key of Object.keys(edits)) {
    // Own keys only: "__proto__", "constructor" and "toString" are found `in` every object.
    // Neither is a field the question offers, so the answer as a whole is refused, naming the key.
    if (Object.hasOwn(payload.leanos.locked, key))
      refuse(null, `"${key}" is set by policy and cannot be edited`, Object.keys(editable));
    if (!Object.hasOwn(editable, key)) refuse(null, `"${key}" is not a field of this draft`, Object.keys(editable));
  }
}

/** Refuses edited values that make the draft fail its schema: the draft's values, the policy's, then the edits. */
export function checkEditedDraft(payload: GatePayload, edits: Record<string, unknown>, schema: ZodType): void {
  checkOwnFields(payload, edits);
  const parsed = schema.safeParse({ ...payload.action_request.args, ...payload.leanos.locked, ...edits });
  if (!parsed.success) throw new AnswerRefused(refusalOfIssues(parsed.error.issues));
}
