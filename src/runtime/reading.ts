import { gateLabel } from "../core/gateLabel.js";
import type { ThreadMeta } from "../core/threadMeta.js";

// Reading a thread for people: what it does next.

/** The next step of a thread that is complete. */
export const COMPLETE = "nothing: the thread is complete";

/** What a thread does next, for status output. */
export function nextStepOf(meta: ThreadMeta): string {
  if (meta.state === "done") return COMPLETE;
  if (meta.state === "waiting")
    return meta.pending.map((item) => `${gateLabel(item)} gate: ${item.question}`).join("; ") || "a human answer";
  if (meta.state === "failed") return `leanos resume ${meta.thread} (failed: ${meta.error ?? "unknown error"})`;
  if (meta.state === "scheduled")
    return `${meta.current_action ? `${meta.current_action.id} ${meta.current_action.type}` : "the next step"} is due ${meta.next_due} (a pass runs it)`;
  return `leanos resume ${meta.thread} (interrupted after ${meta.stage ?? "its start"})`;
}
