import { createHmac, timingSafeEqual } from "node:crypto";
import { STATE_REDUCERS, type StateSeal, type ThreadGraphState } from "./state.js";

// A thread's graph state is sealed by the node that leaves it: a MAC, under a key only the
// workspace's store holds, over the thread's id, the node the graph runs next and every other field.
// Any LangGraph client can set state (`updateState`, `Command.update`, `goto`); none can seal it. So
// the next node finds out whether what it is given is what the graph left, and whether it is the
// node the graph meant to run.

/** JSON with object keys sorted and undefined left out, so one state always reads as one text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}

/** The state once `update` is folded in, field by field, as LangGraph folds a node's update. */
export function foldUpdate(state: ThreadGraphState, update: Record<string, unknown>): ThreadGraphState {
  const next: Record<string, unknown> = { ...state };
  for (const [field, value] of Object.entries(update)) {
    const reducer = STATE_REDUCERS[field] as ((current: unknown, update: unknown) => unknown) | undefined;
    next[field] = reducer ? reducer(next[field] ?? (field === "action_log" ? [] : {}), value) : value;
  }
  return next as ThreadGraphState;
}

function macOf(key: string, threadId: string, next: string, state: ThreadGraphState): string {
  // A correction handed in is client input, checked by the node it enters at; everything else is sealed.
  const { seal: _seal, correction: _correction, ...sealed } = state;
  return createHmac("sha256", key)
    .update(canonicalJson([threadId, next, sealed]))
    .digest("hex");
}

/** The seal of `state` for the thread `threadId`, naming the node that may run next. */
export function sealOf(key: string, threadId: string, state: ThreadGraphState, next: string): StateSeal {
  return { next, mac: macOf(key, threadId, next, state) };
}

/** Whether `state` carries the seal the graph left on it. */
export function sealHolds(key: string, threadId: string, state: ThreadGraphState): boolean {
  const seal = state.seal;
  if (!seal || typeof seal.mac !== "string" || typeof seal.next !== "string") return false;
  const expected = Buffer.from(macOf(key, threadId, seal.next, state), "hex");
  const given = Buffer.from(seal.mac, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
