import { createHash } from "node:crypto";
import type { PlannedAction } from "../core/stageSchemas.js";

/** The key an action is run under once: the same thread, action id and type give the same key. */
export function idempotencyKey(thread: string, action: PlannedAction): string {
  return createHash("sha256").update(`${thread}\n${action.id}\n${action.type}`).digest("hex").slice(0, 20);
}
