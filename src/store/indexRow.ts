import { z } from "zod";
import { GateKind } from "../core/gateKind.js";
import { ThreadTypeName } from "../core/stageSchemas.js";
import { ThreadState, threadIdOf, type ThreadMeta } from "../core/threadMeta.js";

// A thread's row in the store's thread index: what the commands that look across threads (pending,
// status, today, pass) need to find open work without reading every meta.json. It is derived from
// meta.json and written in the same step; meta.json stays the readable copy.

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

export function indexRowOf(meta: ThreadMeta): IndexRow {
  return {
    id: threadIdOf(meta),
    thread: meta.thread,
    type: meta.type,
    state: meta.state,
    stage: meta.stage,
    next_due: meta.next_due,
    pending_kind: meta.state === "waiting" ? (meta.pending[0]?.kind ?? null) : null,
    impact: meta.impact,
    updated_at: meta.updated_at,
    title: meta.title,
    validated: meta.validated,
    pattern_key: meta.pattern?.key ?? null,
    needs_attribution: meta.type === "sales" && !meta.attribution && !meta.attribution_checked,
    opportunities: meta.opportunities.length,
    open_opportunities: meta.opportunities.some(
      (opportunity) => opportunity.status === "proposed" || opportunity.status === "approved",
    ),
  };
}

/** The fields in which two rows of one thread disagree (reindex reports them). */
export function rowDifferences(stored: IndexRow, fromFiles: IndexRow): string[] {
  return (Object.keys(fromFiles) as Array<keyof IndexRow>).filter(
    (key) => JSON.stringify(stored[key]) !== JSON.stringify(fromFiles[key]),
  );
}

/** Days a thread's settled opportunities stay on the page (today.ts shows them this long). */
export const SETTLED_OPPORTUNITY_DAYS = 7;

/**
 * Whether a pass or today's page must read the thread's meta.json: it is open work, or it has
 * something the page shows. The rest (done threads) only count. `recentSince` is the ISO time after
 * which settled opportunities still show.
 */
export function needsReading(row: IndexRow, recentSince: string): boolean {
  return (
    row.state !== "done" ||
    row.needs_attribution ||
    row.open_opportunities ||
    (row.opportunities > 0 && row.updated_at >= recentSince)
  );
}
