import type { HumanInterrupt, HumanResponse } from "@langchain/langgraph/prebuilt";
import { z } from "zod";
import { GateKindName, type PendingItem } from "../threads/meta.js";
import type { Review } from "./review.js";

// Gates speak the Agent Inbox wire format (HumanInterrupt out, HumanResponse back), so standard
// inbox UIs can answer them; our own fields ride in action_request.args.

export const GateArgs = z.object({
  thread: z.string(),
  kind: GateKindName,
  node: z.string(),
  stage: z.string(),
  question: z.string(),
  impact: z.number().nullable(),
  action_id: z.string().optional(),
  opportunity_id: z.string().optional(),
  diff: z.string().optional(),
  /** The draft file, relative to the workspace. */
  draft: z.string(),
  /** The values an `edit` answer may change. */
  values: z.record(z.string(), z.unknown()),
  /** Keys an `edit` answer may not touch (set by policy). */
  locked: z.array(z.string()).default([]),
  /** For an action a person carries out: the outcomes they may report. */
  outcomes: z.array(z.string()).optional(),
});
export type GateArgs = z.infer<typeof GateArgs>;

export interface GatePayload extends HumanInterrupt {
  action_request: { action: string; args: GateArgs };
}

/** What a person answered, with who and when; `args` follows HumanResponse. */
export const GateResponse = z.object({
  type: z.enum(["accept", "edit", "response", "ignore"]),
  args: z.union([z.null(), z.string(), z.object({ action: z.string(), args: z.record(z.string(), z.unknown()) })]),
  by: z.string().min(1),
  at: z.string().min(1),
});
export type GateResponse = z.infer<typeof GateResponse> & HumanResponse;

/**
 * A resume as any LangGraph client may send it: one HumanResponse or an array of them (Agent Inbox
 * sends an array of one), with `by` and `at` optional.
 */
const WireResponse = z.object({
  type: GateResponse.shape.type,
  args: GateResponse.shape.args.nullish(),
  by: z.string().min(1).optional(),
  at: z.string().min(1).optional(),
});

/** The response a gate node was resumed with, completed with who answered and when where the client did not say. */
export function readResponse(value: unknown, defaults: { by: string; at: string }): GateResponse {
  const one = Array.isArray(value) ? value[0] : value;
  const parsed = WireResponse.parse(one);
  // Agent Inbox sends the ActionRequest back with an accept; an accept changes nothing, so it carries no args.
  const args = parsed.type === "accept" ? null : parsed.type === "ignore" && !parsed.args ? "no reason given" : (parsed.args ?? null);
  return { type: parsed.type, args, by: parsed.by ?? defaults.by, at: parsed.at ?? defaults.at } as GateResponse;
}

export function gatePayload(args: GateArgs, allow: { edit: boolean; respond: boolean }, description: string): GatePayload {
  return {
    action_request: { action: `approve_${args.kind}`, args },
    config: { allow_accept: true, allow_edit: allow.edit, allow_respond: allow.respond, allow_ignore: true },
    description,
  };
}

export function pendingItem(payload: GatePayload): PendingItem {
  const args = payload.action_request.args;
  const allowed: PendingItem["allowed"] = ["accept"];
  if (payload.config.allow_edit) allowed.push("edit");
  if (payload.config.allow_respond) allowed.push("respond");
  if (payload.config.allow_ignore) allowed.push("reject");
  return {
    thread: args.thread,
    kind: args.kind,
    node: args.node,
    stage: args.stage,
    question: args.question,
    impact: args.impact,
    allowed,
    ...(args.action_id ? { action_id: args.action_id } : {}),
    ...(args.opportunity_id ? { opportunity_id: args.opportunity_id } : {}),
    draft: args.draft,
    ...(args.diff ? { diff: args.diff } : {}),
    ...(args.outcomes ? { outcomes: args.outcomes } : {}),
    ...(payload.config.allow_edit ? { fields: Object.keys(args.values).filter((key) => !args.locked.includes(key)) } : {}),
  };
}

/** The review recorded in the thread for a response. */
export function reviewOf(response: GateResponse): Review {
  const base = { by: response.by, at: response.at };
  switch (response.type) {
    case "accept":
      return { answer: "accept", ...base };
    case "edit":
      return { answer: "edit", ...base };
    case "response":
      return { answer: "respond", ...base, feedback: typeof response.args === "string" ? response.args : "" };
    case "ignore":
      return { answer: "reject", ...base, reason: typeof response.args === "string" && response.args.length > 0 ? response.args : "no reason given" };
  }
}

/** The edited values of an `edit` response. */
export function editedValues(response: GateResponse): Record<string, unknown> {
  return response.args !== null && typeof response.args === "object" ? response.args.args : {};
}
