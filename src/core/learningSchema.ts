import { z } from "zod";
import { AssumptionId, DraftConfidence, Percent, Score, Text } from "./schemaFields.js";

// The learning stage's output: what the outcome says of each belief tested, the canvas and metric
// changes it proposes, LeanOS's review of the decision, and the follow-ups worth a thread.

/** The learning stage's output; a follow-up's type is one of `type`'s names, `business` (the workspace's name of it) when not said. */
export function learningOutputOf(type: z.ZodType<string>, business: string) {
  return z.object({
    outcome: z.string().min(1),
    metrics: z.array(z.object({ name: z.string().min(1), value: z.string().min(1), source: z.string().min(1) })),
    validations: z.array(
      z.object({
        assumption_id: z.union([AssumptionId, z.literal("NEW")]),
        result: z.enum(["success", "partial", "failure", "pending"]),
        confidence_before: Percent.nullable(),
        confidence_after: Percent,
        reasoning: z.string().min(1),
      }),
    ),
    // Proposals only: a canvas change always waits for a human before it is applied.
    canvas_updates: z.array(
      z.object({
        assumption_id: AssumptionId,
        field: z.enum(["confidence", "status"]),
        from: z.string(),
        to: z.string(),
      }),
    ),
    // Rows of the 13-metrics.md table whose Current value the outcome changes.
    metric_updates: z
      .array(z.object({ metric: z.string().min(1), from: z.string(), to: z.string().min(1) }))
      .default([]),
    // LeanOS's results summary: what the decision expected, what happened, the difference.
    results: z.object({ expected: Text, actual: Text, variance: Text }).nullable().default(null),
    // LeanOS's surprises, positive and negative: what happened that nobody predicted.
    surprises: z.array(z.object({ kind: z.enum(["positive", "negative"]), surprise: Text, impact: Text })).default([]),
    // LeanOS's prediction accuracy: each of the decision's expected outcomes against what happened;
    // accuracy is left null while the outcome is not in yet.
    prediction_accuracy: z
      .array(
        z.object({
          horizon: z.enum(["3-month", "6-month", "12-month"]),
          prediction: Text,
          actual: Text,
          accuracy: Percent.nullable(),
        }),
      )
      .default([]),
    opportunities: z.array(
      z.object({
        title: z.string().min(1),
        priority: Score,
        rationale: z.string().min(1),
        // The kind of thread that would take the opportunity up when a person approves it.
        type: type.default(business),
      }),
    ),
    confidence: DraftConfidence.optional(),
  });
}
