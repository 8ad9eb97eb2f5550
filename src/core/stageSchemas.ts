import { z } from "zod";
import { DEFAULT_THREAD_TYPES, type ThreadTypes } from "./threadTypes.js";
import { learningOutputOf } from "./learningSchema.js";
import {
  ActionTypeName,
  AssumptionId,
  BusinessMode,
  DraftConfidence,
  IsoDate,
  Percent,
  Score,
  Text,
  threadTypeIn,
} from "./schemaFields.js";

// Stage outputs. Each stage skill names one of these under `metadata.output`; the model's answer is
// parsed with it before anything is written, whichever provider drafted it.

// The shapes they are built from are schemaFields.ts's; those other modules use are exported here too.
export {
  ActionTypeName,
  AssumptionId,
  BuiltInThreadType,
  BusinessMode,
  DraftConfidence,
  IsoDate,
  threadTypeIn,
  ThreadTypeName,
  type ThreadType,
} from "./schemaFields.js";

/**
 * Where an event came from, said by whoever made it and never read from its prose: handed in from
 * outside (a report), or made by leanos from an approved opportunity of a thread's learning or from a
 * pattern a pass found across threads.
 */
export const EventOrigin = z.object({
  kind: z.enum(["report", "opportunity", "pattern"]),
  /** The threads it was made from. */
  threads: z.array(z.string()),
});
export type EventOrigin = z.infer<typeof EventOrigin>;

/** A raw business event as it is handed over. */
export const RawEvent = z.object({
  text: z.string(),
  date: IsoDate,
  source: z.string(),
  file: z.string().optional(),
  origin: EventOrigin.optional(),
});
export type RawEvent = z.infer<typeof RawEvent>;

export const Fact = z.object({
  kind: z.enum(["money", "percent", "number", "date", "duration"]),
  text: z.string().min(1),
  value: z.number().optional(),
});

/**
 * The active goal an event serves (goals/link.ts): its id, the subgoal it is the work of, and why.
 * Checked against the workspace's active goals where it is drafted; a link to no such goal is dropped.
 */
export const GoalLink = z.object({
  id: z.string().regex(/^g-[a-z0-9]+(-[a-z0-9]+)*$/, "a goal id, such as g-mrr-5k"),
  subgoal: z
    .string()
    .regex(/^SG\d+$/, "a subgoal such as SG1")
    .optional(),
  reason: z.string().min(1).max(300),
});
export type GoalLink = z.infer<typeof GoalLink>;

/** The input stage's output, its `type` one of `type`'s names (the workspace's, see stageOutputSchemasFor). */
function inputOutputOf(type: z.ZodType<string>) {
  return z.object({
    title: z.string().min(3).max(120),
    summary: z.string().min(1),
    type,
    occurred_on: IsoDate,
    source: z.string().min(1),
    facts: z.array(Fact),
    organizations: z.array(z.string()),
    people: z.array(z.string()),
    segment: z.string().nullable(),
    /** The active goal it serves, or null; absent where the workspace has no goals. */
    goal: GoalLink.nullable().optional(),
    confidence: DraftConfidence.optional(),
  });
}

export const Direction = z.enum(["validates", "challenges", "invalidates", "new"]);
export const AssumptionTest = z.object({
  // "NEW" when the event suggests an assumption the canvas does not have yet.
  assumption_id: z.union([AssumptionId, z.literal("NEW")]),
  title: z.string().min(1),
  direction: Direction,
  previous_confidence: Percent.nullable(),
  proposed_confidence: Percent,
  evidence: z.string().min(1),
});
export const HypothesisOutput = z.object({
  tests: z.array(AssumptionTest).min(1),
  summary: z.string().min(1),
  confidence: DraftConfidence.optional(),
});

export const ImpactFactor = z.object({
  name: z.string().min(1),
  score: Score,
  rationale: z.string().min(1),
});
/** A figure the event states (or one worked out from stated figures only), with where it came from. */
const StatedFigure = z.object({ amount: Text, basis: Text });
/**
 * LeanOS's revenue opportunity by horizon: immediate (0-3 months), short-term (3-12 months),
 * long-term (12+ months). Each lists only sums the event states; a horizon it says nothing of is empty.
 */
export const RevenueHorizons = z.object({
  immediate: z.array(StatedFigure),
  short_term: z.array(StatedFigure),
  long_term: z.array(StatedFigure),
});
/** LeanOS's ROI analysis over 12 months, when the event states both what comes in and what it costs. */
export const RoiAnalysis = z.object({
  total_revenue_12mo: Text,
  total_cost_12mo: Text,
  net_profit_12mo: Text,
  roi: Text,
  basis: Text,
});
/** LeanOS's sensitivity analysis (best, expected, worst case), when the event gives a range. */
export const Sensitivity = z.object({ best_case: Text, expected_case: Text, worst_case: Text, basis: Text });
export const ImplicationOutput = z.object({
  mode: BusinessMode,
  factors: z.array(ImpactFactor).length(3),
  impact_score: Score,
  quantified: z.array(z.object({ metric: z.string().min(1), value: z.string().min(1), basis: z.string().min(1) })),
  risks: z.array(z.string().min(1)).min(1),
  dependencies: z.array(z.string().min(1)),
  timeline: z.string().min(1),
  // Only where the event gives the figures: left out when it states no money (never estimated).
  revenue: RevenueHorizons.optional(),
  roi: RoiAnalysis.optional(),
  sensitivity: Sensitivity.optional(),
  confidence: DraftConfidence.optional(),
});

export const Verdict = z.enum(["PROCEED", "DEFER", "REJECT", "INVESTIGATE"]);
/** LeanOS's decision status (its 4-decision.md front matter): the verdict in LeanOS's words. */
export const DecisionStatus = z.enum(["accepted", "rejected", "deferred"]);
export type DecisionStatus = z.infer<typeof DecisionStatus>;
export const SuccessMetric = z.object({
  metric: Text,
  target: Text,
  measurement: Text,
  frequency: Text,
  owner: Text,
});
/** LeanOS's expected outcomes at 3, 6 and 12 months. */
export const ExpectedOutcomes = z.object({ month_3: z.array(Text), month_6: z.array(Text), month_12: z.array(Text) });
export const Accountability = z.object({ decision_owner: Text, execution_owner: Text, success_metrics_owner: Text });
/**
 * A model drafter's judgement of the decision against the value function's constraints in prose
 * (values/prose.ts names them H1, S1...): LeanOS's verdict (sys-evaluating-values) and each constraint
 * judged. Shown at the decision's gate and never trusted alone (values/judgement.ts).
 */
export const ValuesCheck = z.object({
  verdict: z.enum(["EXECUTE", "EXECUTE+FLAG", "ESCALATE", "BLOCK"]),
  reason: z.string().min(1).max(500),
  judged: z.array(
    z.object({
      constraint: z.string().regex(/^[HS][1-9]\d*$/, "a constraint id such as H2 or S1"),
      holds: z.enum(["yes", "no", "unsure"]),
      reason: z.string().min(1).max(500),
    }),
  ),
});
export type ValuesCheck = z.infer<typeof ValuesCheck>;

export const DecisionOutput = z.object({
  verdict: Verdict,
  statement: z.string().min(1),
  alternatives: z.array(z.object({ option: z.string().min(1), reason: z.string().min(1) })).min(2),
  rationale: z.string().min(1),
  actions: z.array(z.object({ type: ActionTypeName, title: z.string().min(1) })),
  // LeanOS's decision record. The defaults let a decision drafted before these fields existed (a
  // checkpoint, a pending gate's question) still parse; a new draft always has them (the type says so).
  // status, impact_score and human_flagged are set by policy (validate.ts enforcePolicy, gates/policy.ts).
  status: DecisionStatus.default("deferred"),
  impact_score: Score.nullable().default(null),
  human_flagged: z.boolean().default(true),
  scope: z.object({ includes: z.array(Text), excludes: z.array(Text) }).default({ includes: [], excludes: [] }),
  success_metrics: z.array(SuccessMetric).default([]),
  expected_outcomes: ExpectedOutcomes.default({ month_3: [], month_6: [], month_12: [] }),
  accountability: Accountability.nullable().default(null),
  /** Only where the request lists constraints in prose (the value function's, for a model drafter). */
  values_check: ValuesCheck.optional(),
  confidence: DraftConfidence.optional(),
});

export const ActionStatus = z.enum(["pending", "in_progress", "blocked", "completed", "archived"]);
export const PlannedAction = z.object({
  id: z.string().regex(/^act-\d+$/, "expected an action id such as act-1"),
  type: ActionTypeName,
  title: z.string().min(1),
  owner: z.enum(["ai", "human"]),
  human_required: z.boolean(),
  due: IsoDate,
  status: ActionStatus,
  note: z.string().optional(),
  /** Set by the action engine: what the action came to, and where that led. */
  outcome: z.string().optional(),
  closing: z.string().optional(),
  artifacts: z.array(z.string()).optional(),
  /** The action whose outcome created this one. */
  follows: z.string().optional(),
  /** Guards against doing the same action twice (resume, retry, a second process). */
  key: z.string().optional(),
  /** The day the action started; checks count from it. */
  started: IsoDate.optional(),
  /** The check days (see checks_days in the template) already run. */
  checks_done: z.array(z.number().int()).optional(),
});
export type PlannedAction = z.infer<typeof PlannedAction>;
export const ActionsOutput = z.object({
  actions: z.array(PlannedAction),
  summary: z.string().min(1),
  confidence: DraftConfidence.optional(),
});

// For stages added by a workspace without TypeScript: a summary and the headed sections its skill lists.
export const SectionsOutput = z.object({
  summary: z.string().min(1),
  sections: z.array(z.object({ heading: z.string().min(1), content: z.string().min(1) })).min(1),
  confidence: DraftConfidence.optional(),
});

const schemasByTypes = new Map<string, ReturnType<typeof buildStageOutputSchemas>>();

function buildStageOutputSchemas(types: ThreadTypes, names: readonly string[]) {
  const type = threadTypeIn(types, names);
  return {
    input: inputOutputOf(type),
    hypothesis: HypothesisOutput,
    implication: ImplicationOutput,
    decision: DecisionOutput,
    actions: ActionsOutput,
    learning: learningOutputOf(type, types.business),
    sections: SectionsOutput,
  } as const;
}

/**
 * The stage output schemas of a workspace: a thread type in them (the input's type, a follow-up's)
 * is one of `names`, by default every type the workspace reads (types.known). What the model is
 * given as its tools lists the types the workspace writes (tools.ts passes types.names).
 */
export function stageOutputSchemasFor(
  types: ThreadTypes,
  names: readonly string[] = types.known,
): ReturnType<typeof buildStageOutputSchemas> {
  const key = `${types.business}|${names.join(",")}`;
  let schemas = schemasByTypes.get(key);
  if (!schemas) schemasByTypes.set(key, (schemas = buildStageOutputSchemas(types, names)));
  return schemas;
}

/** The stage output schemas of a workspace that declares no types: sales, marketing, business. */
export const stageOutputSchemas = stageOutputSchemasFor(DEFAULT_THREAD_TYPES, DEFAULT_THREAD_TYPES.names);
export const InputOutput = stageOutputSchemas.input;
export const LearningOutput = stageOutputSchemas.learning;
export type OutputSchemaName = keyof typeof stageOutputSchemas;
export const OutputSchemaName = z.enum(Object.keys(stageOutputSchemas) as [OutputSchemaName, ...OutputSchemaName[]]);

export type InputOutput = z.infer<typeof InputOutput>;
export type HypothesisOutput = z.infer<typeof HypothesisOutput>;
export type ImplicationOutput = z.infer<typeof ImplicationOutput>;
export type DecisionOutput = z.infer<typeof DecisionOutput>;
export type ActionsOutput = z.infer<typeof ActionsOutput>;
export type LearningOutput = z.infer<typeof LearningOutput>;
export type SectionsOutput = z.infer<typeof SectionsOutput>;
export type StageOutputs = {
  input: InputOutput;
  hypothesis: HypothesisOutput;
  implication: ImplicationOutput;
  decision: DecisionOutput;
  actions: ActionsOutput;
  learning: LearningOutput;
  sections: SectionsOutput;
};
