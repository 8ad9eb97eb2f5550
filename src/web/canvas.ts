import type { AuditEntry, AuditEntryOf } from "../audit/log.js";
import type { Assumption } from "../canvas/assumptions.js";
import { scriptJson } from "./render.js";

// The canvas page: each assumption with its status and confidence, and its confidence over time. The
// steps come from the audit log, where every approved canvas change is kept with the thread behind
// it; the first point is the value the first change started from.

export interface ConfidencePoint {
  date: string;
  value: number;
  thread?: string;
  note?: string;
}

const percent = (text: string): number | undefined => {
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) ? value : undefined;
};

/** An assumption's confidence over time, oldest first. */
export function confidenceSteps(assumption: Assumption, audit: readonly AuditEntry[]): ConfidencePoint[] {
  const changes = audit.filter(
    (entry): entry is AuditEntryOf<"canvas-change"> =>
      entry.kind === "canvas-change" && entry.assumption === assumption.id && entry.field === "confidence",
  );
  const points: ConfidencePoint[] = [];
  const first = changes[0];
  if (first) {
    const from = percent(first.from);
    if (from !== undefined) points.push({ date: "before", value: from, note: "as the canvas stood" });
    for (const change of changes) {
      const to = percent(change.to);
      if (to !== undefined)
        points.push({
          date: change.at.slice(0, 10),
          value: to,
          thread: change.thread,
          ...(change.commit ? { note: `commit ${change.commit.slice(0, 8)}` } : {}),
        });
    }
    return points;
  }
  // No change through leanos yet: what the canvas itself says.
  if (assumption.previous_confidence !== null) points.push({ date: "earlier", value: assumption.previous_confidence });
  points.push({ date: assumption.last_validated ?? "now", value: assumption.confidence, note: "as the canvas says" });
  return points;
}

export function canvasView(assumptions: readonly Assumption[], audit: readonly AuditEntry[]) {
  const series = Object.fromEntries(
    assumptions.map((assumption) => [assumption.id, confidenceSteps(assumption, audit)]),
  );
  return {
    assumptions: assumptions.map((assumption) => ({
      id: assumption.id,
      title: assumption.title,
      status: assumption.status,
      confidence: assumption.confidence,
      last_validated: assumption.last_validated,
      steps: series[assumption.id],
    })),
    series_json: scriptJson(series),
  };
}
