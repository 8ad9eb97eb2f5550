import { RuntimeFailure } from "../errors.js";
import { threadIdOf } from "../core/threadId.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import { validateIndexRow } from "../validators/read.generated.js";
import type { IndexRow } from "./indexRowSchema.js";

// A thread's row in the store's thread index: what the commands that look across threads (pending,
// status, today, pass) need to find open work without reading every meta.json. It is derived from
// meta.json and written in the same step; meta.json stays the readable copy. Rows are checked by the
// validator generated from the schema (indexRowSchema.ts), so reading them loads no zod.

export type { IndexRow } from "./indexRowSchema.js";

/** The index's columns, in the schema's order (test/quick-check.test.ts holds them to it). */
export const INDEX_COLUMNS = [
  "id",
  "thread",
  "type",
  "state",
  "stage",
  "next_due",
  "pending_kind",
  "impact",
  "updated_at",
  "title",
  "validated",
  "pattern_key",
  "needs_attribution",
  "opportunities",
  "open_opportunities",
] as const satisfies ReadonlyArray<keyof IndexRow>;

/** A row as the schema takes it; one it does not is none leanos wrote, and a reindex rebuilds it. */
export function checkedRow(raw: unknown): IndexRow {
  if (validateIndexRow(raw)) return raw as IndexRow;
  const problem = validateIndexRow.errors?.[0];
  const thread = (raw as { thread?: unknown } | null)?.thread;
  throw new RuntimeFailure(
    `the thread index holds a row leanos did not write (${typeof thread === "string" ? thread : "a thread"}: ${problem?.instancePath || "the row"} ${problem?.message ?? "is not one"}); rebuild it with "leanos reindex"`,
  );
}

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
