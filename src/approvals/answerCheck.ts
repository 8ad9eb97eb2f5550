import type { ZodType } from "zod";
import { z } from "zod";
import { checkCanvasValues, missingCanvasTargets, type CanvasValues } from "../canvas/update.js";
import { UsageError, describeZodIssues } from "../errors.js";
import { IsoDate, ThreadType } from "../stages/schemas.js";
import { editedValues, GateArgs, pendingItem, type GatePayload, type GateResponse } from "./gates.js";

// The checks an answer must pass before it is given to the graph: an answer that fails any of them
// changes nothing. Edited values are held to what their field can hold, since they are written into
// markdown (headings, table cells) and into the canvas.

/** A title becomes a markdown heading: one line of text. */
const OneLine = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), "one line of text: no line breaks or control characters");
const ActionEdit = z.object({ title: OneLine, due: IsoDate, note: z.string().max(2000), outcome: z.string().optional() });
const OpportunityEdit = z.object({ title: OneLine, priority: z.number().min(0).max(1), rationale: z.string().min(1).max(2000), type: ThreadType });

export interface AnswerContext {
  thread: string;
  workspaceRoot: string;
  /** The output schema of a stage, refined for the workspace. */
  stageSchema: (stage: string) => ZodType;
}

type Answer = Omit<GateResponse, "at"> & { at?: string };

/** Refuses an answer the gate does not allow or whose values would not hold; throws a UsageError saying why. */
export async function checkAnswer(payload: GatePayload, response: Answer, context: AnswerContext): Promise<void> {
  const { thread } = context;
  const args = GateArgs.parse(payload.action_request.args);
  const allowed = pendingItem(payload).allowed;
  const answerName = response.type === "response" ? "respond" : response.type === "ignore" ? "reject" : response.type;
  if (!allowed.includes(answerName)) {
    throw new UsageError(`"${answerName}" is not allowed at this ${args.kind} gate of ${thread} (allowed: ${allowed.join(", ")})`);
  }
  const edits = response.type === "edit" ? editedValues(response as GateResponse) : {};
  if (response.type === "edit") checkEdit(args, edits, context);
  if (args.kind === "canvas" && response.type !== "ignore") {
    const gone = await missingCanvasTargets(context.workspaceRoot, { ...args.values, ...edits } as CanvasValues);
    if (gone.length > 0) {
      throw new UsageError(`the canvas changed since this was asked: ${gone.join("; ")}. Restore it, or refuse the change with leanos reject ${thread} --reason "..."; nothing was changed`);
    }
  }
  if (response.type !== "ignore" && args.outcomes && args.outcomes.length > 1 && !edits.outcome) {
    throw new UsageError(`${args.question}\nreport what happened: leanos approve ${thread} --edit '{"outcome":"${args.outcomes[0]}"}' (one of ${args.outcomes.join(", ")})`);
  }
  if (response.type === "response" && (typeof response.args !== "string" || response.args.trim().length === 0)) {
    throw new UsageError("respond needs the feedback text");
  }
  if (response.type === "ignore" && typeof response.args === "string" && response.args.trim().length === 0) {
    throw new UsageError("--reason must say why (it is recorded in the thread); leave --reason out to record none");
  }
}

/** Refuses an edit that touches a key the gate does not offer, a locked key, or a value its schema would not accept. */
function checkEdit(args: GateArgs, edits: Record<string, unknown>, context: AnswerContext): void {
  if (Object.keys(edits).length === 0) throw new UsageError("--edit needs a JSON object of the values to change");
  if (args.kind === "canvas") {
    const problems = checkCanvasValues(edits as CanvasValues, Object.keys(args.values));
    if (problems.length > 0) throw new UsageError(`--edit: ${problems.join("; ")}`);
    return;
  }
  for (const key of Object.keys(edits)) {
    // Own keys only: "__proto__", "constructor" and "toString" are found `in` every object.
    if (!Object.hasOwn(args.values, key)) throw new UsageError(`--edit: "${key}" is not a field of this draft (fields: ${Object.keys(args.values).join(", ")})`);
    if (args.locked.includes(key)) throw new UsageError(`--edit: "${key}" is set by policy and cannot be edited`);
  }
  const merged = { ...args.values, ...edits };
  const schema =
    args.kind === "action"
      ? ActionEdit.superRefine((value, ctx) => {
          if (args.outcomes && value.outcome !== undefined && !args.outcomes.includes(value.outcome)) {
            ctx.addIssue({ code: "custom", path: ["outcome"], message: `"${value.outcome}" is not an outcome of this action (its outcomes: ${args.outcomes.join(", ")})` });
          }
        })
      : args.kind === "opportunity"
        ? OpportunityEdit
        : context.stageSchema(args.stage);
  const parsed = schema.safeParse(merged);
  if (!parsed.success) throw new UsageError(`--edit: ${describeZodIssues(parsed.error.issues)}`);
}
