import { type z, type ZodType } from "zod";
import type { StageContext } from "./context.js";
import { idempotencyKey } from "./actionKey.js";
import { needsHuman, stageNeedsPerson } from "../core/policy.js";
import { enforceConfidenceMoves } from "./confidenceMoves.js";
import { impactFactorNames, impactScore } from "./impact.js";
import { stageOutputSchemasFor, type OutputSchemaName, type StageOutputs } from "../core/stageSchemas.js";
import { DEFAULT_THREAD_TYPES } from "../core/threadTypes.js";
import { settleDecision } from "./decisionRecord.js";
import { proseConstraints } from "../values/prose.js";

type Check = (value: string, ctx: z.RefinementCtx, path: PropertyKey[]) => void;

/** Checks that an assumption id is in the canvas (or NEW) and that an action type has a template. */
function knownToWorkspace(context: StageContext): { knownId: Check; knownType: Check } {
  const ids = new Set(context.canvas.assumptions.map((assumption) => assumption.id));
  const types = new Set(context.actionTemplates.keys());
  const knownId: Check = (id, ctx, path) => {
    if (id !== "NEW" && !ids.has(id)) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `assumption ${id} is not in strategy/canvas/10-assumptions.md (known: ${[...ids].join(", ")})`,
      });
    }
  };
  const knownType: Check = (type, ctx, path) => {
    if (!types.has(type))
      ctx.addIssue({
        code: "custom",
        path,
        message: `action type ${type} has no template (known: ${[...types].join(", ")})`,
      });
  };
  return { knownId, knownType };
}

/**
 * A stage's output schema refined with what this workspace allows: thread types it knows (its
 * three and those it declares), assumption ids that exist in the canvas, action types that have a
 * template, the impact factors of the business mode, the sections a `sections` stage must fill.
 */
export function schemaFor(name: OutputSchemaName, context: StageContext): ZodType {
  const stageOutputSchemas = stageOutputSchemasFor(context.threadTypes ?? DEFAULT_THREAD_TYPES);
  const { knownId, knownType } = knownToWorkspace(context);
  switch (name) {
    case "hypothesis":
      return stageOutputSchemas.hypothesis.superRefine((output, ctx) => {
        output.tests.forEach((test, index) => {
          knownId(test.assumption_id, ctx, ["tests", index, "assumption_id"]);
          if ((test.assumption_id === "NEW") !== (test.direction === "new")) {
            ctx.addIssue({
              code: "custom",
              path: ["tests", index, "direction"],
              message: 'direction "new" goes with assumption_id "NEW" and only with it',
            });
          }
        });
      });
    case "implication": {
      const expected = impactFactorNames(context.canvas.mode, context.canvas.profitableOrFunded);
      return stageOutputSchemas.implication.superRefine((output, ctx) => {
        if (output.mode !== context.canvas.mode)
          ctx.addIssue({ code: "custom", path: ["mode"], message: `the canvas's mode is ${context.canvas.mode}` });
        const names = output.factors.map((factor) => factor.name.toLowerCase());
        if (expected.some((factor, index) => names[index] !== factor)) {
          ctx.addIssue({
            code: "custom",
            path: ["factors"],
            message: `factors must be, in order: ${expected.join(", ")}`,
          });
        }
      });
    }
    case "decision": {
      const prose = new Set(proseConstraints(context.values).map((constraint) => constraint.id));
      return stageOutputSchemas.decision.superRefine((output, ctx) => {
        output.actions.forEach((action, index) => knownType(action.type, ctx, ["actions", index, "type"]));
        output.values_check?.judged.forEach((judged, index) => {
          if (!prose.has(judged.constraint))
            ctx.addIssue({
              code: "custom",
              path: ["values_check", "judged", index, "constraint"],
              message: `${judged.constraint} is not a constraint in prose of strategy/values.md (those to judge: ${[...prose].join(", ") || "none"})`,
            });
        });
      });
    }
    case "actions":
      return stageOutputSchemas.actions.superRefine((output, ctx) => {
        output.actions.forEach((action, index) => knownType(action.type, ctx, ["actions", index, "type"]));
      });
    case "learning":
      return stageOutputSchemas.learning.superRefine((output, ctx) => {
        output.validations.forEach((validation, index) =>
          knownId(validation.assumption_id, ctx, ["validations", index, "assumption_id"]),
        );
        output.canvas_updates.forEach((update, index) =>
          knownId(update.assumption_id, ctx, ["canvas_updates", index, "assumption_id"]),
        );
      });
    case "sections": {
      const wanted = context.skill.stage.sections ?? [];
      return stageOutputSchemas.sections.superRefine((output, ctx) => {
        const headings = new Set(output.sections.map((section) => section.heading));
        for (const heading of wanted) {
          if (!headings.has(heading))
            ctx.addIssue({ code: "custom", path: ["sections"], message: `section "${heading}" is missing` });
        }
      });
    }
    default:
      return stageOutputSchemas[name];
  }
}

/**
 * The approval policy lives here, not in the model's hands: the impact score is recomputed as the
 * mean of the factors, each action's owner comes from its template and whether it waits for a
 * person from the approval policy (core/policy.ts), and a confidence moves only as far as one event
 * justifies (confidenceMoves.ts).
 */
export function enforcePolicy<K extends OutputSchemaName>(
  name: K,
  output: StageOutputs[K],
  context: StageContext,
): StageOutputs[K] {
  if (name === "hypothesis" || name === "learning") return enforceConfidenceMoves(name, output, context);
  if (name === "implication") {
    const implication = output as StageOutputs["implication"];
    return {
      ...implication,
      impact_score: impactScore(implication.factors.map((factor) => factor.score)),
    } as StageOutputs[K];
  }
  if (name === "actions") {
    const actions = output as StageOutputs["actions"];
    return {
      ...actions,
      actions: actions.actions.map((action, index) => {
        const template = context.actionTemplates.get(action.type)!;
        const id = `act-${index + 1}`;
        return {
          ...action,
          id,
          owner: template.action.owner,
          human_required: needsHuman(template),
          status: "pending" as const,
          key: idempotencyKey(context.thread, { ...action, id }),
        };
      }),
    } as StageOutputs[K];
  }
  if (name === "decision") {
    // The impact score is the implication's; the human flag LeanOS's rule as far as a draft can see
    // it (the threshold, an action that needs a person). The graph restamps the flag with the whole
    // policy's answer (autonomy, trust, confidence) before the file is written (graph/kit.ts).
    const decision = output as StageOutputs["decision"];
    const impact = context.outputs.implication?.impact_score ?? null;
    const flagged =
      stageNeedsPerson(["impact"], impact, context.approvalThreshold) ||
      decision.actions.some((action) => {
        const template = context.actionTemplates.get(action.type);
        return template !== undefined && needsHuman(template);
      });
    return settleDecision(decision, { impact, flagged }) as StageOutputs[K];
  }
  return output;
}
