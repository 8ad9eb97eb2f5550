import type { AuditEntry, AuditEntryOf } from "../audit/log.js";
import type { Assumption } from "./assumptions.js";

export interface AssumptionRow {
  id: string;
  title: string;
  status: Assumption["status"];
  confidence: number;
  previous_confidence: number | null;
  last_validated: string | null;
  evidence: string[];
}

export function assumptionRows(assumptions: readonly Assumption[]): AssumptionRow[] {
  return assumptions.map((assumption) => ({
    id: assumption.id,
    title: assumption.title,
    status: assumption.status,
    confidence: assumption.confidence,
    previous_confidence: assumption.previous_confidence,
    last_validated: assumption.last_validated,
    evidence: assumption.evidence,
  }));
}

export function formatAssumptions(rows: readonly AssumptionRow[]): string {
  const header = `${"id".padEnd(5)} ${"status".padEnd(12)} ${"conf".padStart(5)} ${"validated".padEnd(10)} ${"evid".padStart(4)}  title`;
  return [
    header,
    ...rows.map(
      (row) =>
        `${row.id.padEnd(5)} ${row.status.padEnd(12)} ${`${row.confidence}%`.padStart(5)} ${(row.last_validated ?? "never").padEnd(10)} ${String(row.evidence.length).padStart(4)}  ${row.title}`,
    ),
  ].join("\n");
}

export interface ConfidenceStep {
  at: string;
  thread: string;
  from: string;
  to: string;
  by: string;
  commit?: string;
}

/** How an assumption's confidence moved, thread by thread, from the audit log. */
export function confidenceHistory(audit: readonly AuditEntry[], id: string): ConfidenceStep[] {
  return audit
    .filter(
      (entry): entry is AuditEntryOf<"canvas-change"> =>
        entry.kind === "canvas-change" && entry.assumption === id && entry.field === "confidence",
    )
    .map((entry) => ({
      at: entry.at,
      thread: entry.thread,
      from: entry.from,
      to: entry.to,
      by: entry.by,
      ...(entry.commit ? { commit: entry.commit } : {}),
    }));
}
