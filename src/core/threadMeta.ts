import { z } from "zod";
import { GateKind } from "../core/gateKind.js";
import { EventOrigin, IsoDate, ThreadTypeName } from "./stageSchemas.js";
import { TYPE_NAME, unknownTypeMessage, type ThreadTypes } from "./threadTypes.js";

export const GateAnswer = z.enum(["accept", "edit", "respond", "reject"]);
export type GateAnswer = z.infer<typeof GateAnswer>;

export const PendingItem = z.object({
  thread: z.string(),
  /** LangGraph's id of the interrupt: names this very question, so an answer meant for it never lands on the next one. */
  id: z.string().optional(),
  kind: GateKind,
  node: z.string(),
  stage: z.string(),
  question: z.string(),
  impact: z.number().min(0).max(1).nullable(),
  allowed: z.array(GateAnswer),
  action_id: z.string().optional(),
  opportunity_id: z.string().optional(),
  draft: z.string().optional(),
  /** For canvas gates: the unified diff of the canvas files. */
  diff: z.string().optional(),
  /** For an action a person carries out: the outcomes to report. */
  outcomes: z.array(z.string()).optional(),
  /** For an action that lacks its inputs: what it waits for (icp, metrics, findings); an accept runs it again once they are there. */
  waits_for: z.string().optional(),
  /** The fields an `edit` answer may change. */
  fields: z.array(z.string()).optional(),
  /** Why the last answer given here was refused. */
  refused: z.string().optional(),
});
export type PendingItem = z.infer<typeof PendingItem>;

export const ThreadUsage = z.object({
  calls: z.number().int().min(0),
  input_tokens: z.number().int().min(0),
  output_tokens: z.number().int().min(0),
  cache_read_tokens: z.number().int().min(0),
  cache_write_tokens: z.number().int().min(0).default(0),
  latency_ms: z.number().min(0),
});
export type ThreadUsage = z.infer<typeof ThreadUsage>;

export const Opportunity = z.object({
  id: z.string(),
  title: z.string(),
  priority: z.number().min(0).max(1),
  rationale: z.string(),
  type: ThreadTypeName,
  status: z.enum(["proposed", "approved", "declined", "started"]),
  thread: z.string().optional(),
});
export type Opportunity = z.infer<typeof Opportunity>;

// scheduled: nothing waits for a person; the next step is due on `next_due` (a pass runs it).
export const ThreadState = z.enum(["running", "waiting", "scheduled", "done", "failed"]);
export type ThreadState = z.infer<typeof ThreadState>;

/** A thread's name: its type, then its slug (threads/<type>/<slug>/ is its folder). */
export const ThreadName = z
  .string()
  .regex(new RegExp(`^${TYPE_NAME.source.slice(1, -1)}/[a-z0-9-]+$`), "expected a thread name as type/slug");

export const ThreadMeta = z.object({
  thread: ThreadName,
  /** The LangGraph thread id its checkpoints are kept under (a UUID); threads made before ids were kept use their name. */
  id: z.string().optional(),
  /** Its type by the name's shape; threadMetaIn checks it is one of the workspace's. */
  type: ThreadTypeName,
  slug: z.string(),
  title: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  // The event's text is kept (events are short) so a pass can link a lead to the campaign it names.
  event: z.object({
    date: IsoDate,
    source: z.string(),
    file: z.string().optional(),
    text: z.string().default(""),
    origin: EventOrigin.optional(),
  }),
  graph: z.string(),
  provider: z.string(),
  model: z.string(),
  state: ThreadState,
  /** The last stage drafted. */
  stage: z.string().nullable(),
  impact: z.number().min(0).max(1).nullable(),
  pending: z.array(PendingItem),
  files: z.array(z.string()),
  /** Follow-up work its learning proposed, and what became of it. */
  opportunities: z.array(Opportunity).default([]),
  /** When a scheduled thread's next step is due (YYYY-MM-DD). */
  next_due: z.string().nullable().default(null),
  /** Assumptions whose validation this thread's learning recorded on the canvas (patterns read it). */
  validated: z.array(z.string()).default([]),
  /** The active goal its event serves (LeanOS's goal_id), and the subgoal it is the work of: set by the input stage or a correction. */
  goal_id: z.string().nullable().default(null),
  subgoal: z.string().optional(),
  /** For a sales thread: the marketing thread whose piece brought it in. */
  attribution: z.object({ campaign: z.string(), via: z.string() }).optional(),
  /** A pass looked for the campaign this lead names (once is enough). */
  attribution_checked: z.boolean().default(false),
  /** For a marketing thread: the sales threads its pieces brought in. */
  attributed: z.array(z.string()).default([]),
  /** For a thread a pass started from a pattern: the pattern and the threads behind it. */
  pattern: z.object({ key: z.string(), sources: z.array(z.string()) }).optional(),
  /** The action the thread is on, if its plan has one open. */
  current_action: z
    .object({
      id: z.string(),
      type: z.string(),
      title: z.string(),
      status: z.string(),
      owner: z.string(),
      due: z.string(),
    })
    .nullable()
    .default(null),
  /** The thread this one was started from, when it took up an opportunity. */
  origin: z.string().optional(),
  /** Its graph state is sealed (src/graph/seal.ts); threads started before states were sealed are not. */
  sealed: z.literal(true).optional(),
  /** Corrections people made to what the drafter read (leanos correct, or an edit of the reading at the decision gate). */
  corrections: z
    .array(
      z.object({
        at: z.string(),
        by: z.string(),
        /** The type the drafter had read. */
        read_as: z.string(),
        fields: z.record(z.string(), z.unknown()),
        reason: z.string().optional(),
        via: z.enum(["correct", "gate"]),
        /** It came after the thread acted: recorded, and the steps taken were not undone. */
        after_acting: z.boolean(),
        redrafts_from: z.string().optional(),
      }),
    )
    .default([]),
  /** Model calls made for this thread (none for the offline drafter). */
  usage: ThreadUsage.default({
    calls: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    latency_ms: 0,
  }),
  error: z.string().optional(),
});
export type ThreadMeta = z.infer<typeof ThreadMeta>;

const metaSchemas = new WeakMap<ThreadTypes, z.ZodType<ThreadMeta, z.input<typeof ThreadMeta>>>();

/**
 * A thread's meta.json as a workspace takes it: its type, its name's type and the types of the
 * follow-ups it has still to start are types the workspace knows (either name of business, and the types its settings declare). A
 * thread of a type the settings no longer declare is refused, naming the setting.
 */
export function threadMetaIn(types: ThreadTypes): z.ZodType<ThreadMeta, z.input<typeof ThreadMeta>> {
  let schema = metaSchemas.get(types);
  if (!schema) {
    const known = new Set(types.known);
    const check = (type: string, ctx: z.RefinementCtx, path: PropertyKey[]): void => {
      if (!known.has(type)) ctx.addIssue({ code: "custom", path, message: unknownTypeMessage(types, type) });
    };
    schema = ThreadMeta.superRefine((meta, ctx) => {
      check(meta.type, ctx, ["type"]);
      const named = meta.thread.split("/")[0]!;
      if (named !== meta.type) check(named, ctx, ["thread"]);
      // A follow-up still to start would start a thread of its type; one started or declined is history.
      meta.opportunities.forEach((opportunity, index) => {
        if (opportunity.status === "proposed" || opportunity.status === "approved")
          check(opportunity.type, ctx, ["opportunities", index, "type"]);
      });
    });
    metaSchemas.set(types, schema);
  }
  return schema;
}
