import { z } from "zod";
import { GateKind } from "../core/gateKind.js";
import { ThreadTypeName } from "../core/stageSchemas.js";
import { ThreadState } from "../core/threadMeta.js";

// A thread's row in the store's thread index, as zod checks it: the source of truth, from which the
// read path's validator is generated (scripts/validators/build.mjs), and of the row's type.

export const IndexRow = z.object({
  /** The LangGraph thread id. */
  id: z.string(),
  /** The readable name, type/slug. */
  thread: z.string(),
  /** Its type, as its meta.json (checked against the workspace's types when read) says. */
  type: ThreadTypeName,
  state: ThreadState,
  stage: z.string().nullable(),
  next_due: z.string().nullable(),
  /** The gate kind it waits at, if it waits. */
  pending_kind: GateKind.nullable(),
  impact: z.number().nullable(),
  updated_at: z.string(),
  title: z.string(),
  /** Assumptions its learning validated: patterns count them across sales threads. */
  validated: z.array(z.string()),
  /** For a thread a pass started from a pattern: the pattern's key, so it is proposed once. */
  pattern_key: z.string().nullable(),
  /** A lead no pass has looked at for the campaign it names. */
  needs_attribution: z.boolean(),
  /** Follow-ups it proposed, and whether any still waits to be approved or started. */
  opportunities: z.number().int().min(0),
  open_opportunities: z.boolean(),
});
export type IndexRow = z.infer<typeof IndexRow>;
