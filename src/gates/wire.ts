import type { HumanInterrupt, HumanResponse } from "@langchain/langgraph/prebuilt";
import { z } from "zod";
import { type PendingItem } from "../core/threadMeta.js";
import type { Review } from "../core/review.js";
import { GateKind } from "../core/gateKind.js";

// Gates speak the Agent Inbox wire format (HumanInterrupt out, HumanResponse back), so standard
// inbox UIs can answer them. `action_request.args` holds only the values an edit may change (an
// inbox makes each a form field); the context a person judges by is markdown in `description`; what
// leanos itself needs to know about the gate rides in `leanos`, which inboxes do not show.

export const GateInfo = z.object({
  thread: z.string(),
  kind: GateKind,
  node: z.string(),
  stage: z.string(),
  question: z.string(),
  impact: z.number().nullable(),
  action_id: z.string().optional(),
  opportunity_id: z.string().optional(),
  diff: z.string().optional(),
  /** The draft file, relative to the workspace. */
  draft: z.string(),
  /** Values that belong to the draft but are set by policy: shown, never edited. */
  locked: z.record(z.string(), z.unknown()).default({}),
  /** For an action a person carries out: the outcomes they may report. */
  outcomes: z.array(z.string()).optional(),
  /** Why the last answer given at this gate was refused (the thread still waits). */
  refused: z.string().optional(),
});
export type GateInfo = z.infer<typeof GateInfo>;

export interface GatePayload extends HumanInterrupt {
  action_request: { action: string; args: Record<string, unknown> };
  leanos: GateInfo;
}

/** Whether an interrupt's value is a gate (rather than something another graph raised). */
export const isGatePayload = (value: unknown): value is GatePayload =>
  typeof value === "object" &&
  value !== null &&
  "action_request" in value &&
  "leanos" in value &&
  GateInfo.safeParse((value as { leanos: unknown }).leanos).success;

/** What a person answered, with who and when; `args` follows HumanResponse. */
export const GateResponse = z.object({
  type: z.enum(["accept", "edit", "response", "ignore"]),
  args: z.union([z.null(), z.string(), z.object({ action: z.string(), args: z.record(z.string(), z.unknown()) })]),
  by: z.string().min(1),
  at: z.string().min(1),
  /** The id of the question (LangGraph's interrupt id) the answer is for; required where a gate sends to customers. */
  interrupt_id: z.string().min(1).optional(),
});
export type GateResponse = z.infer<typeof GateResponse> & HumanResponse;

/** An answer as a client gives it; when it was given defaults to now. */
export type GivenAnswer = Omit<GateResponse, "at"> & { at?: string };

/**
 * A resume as any LangGraph client may send it: one HumanResponse or an array of them (Agent Inbox
 * sends an array of one), with `by` and `at` optional.
 */
const WireResponse = z.object({
  type: GateResponse.shape.type,
  args: GateResponse.shape.args.nullish(),
  by: z.string().min(1).optional(),
  at: z.string().min(1).optional(),
  interrupt_id: z.string().min(1).optional(),
});

/** The response a gate node was resumed with, completed with who answered and when where the client did not say. */
export function readResponse(value: unknown, defaults: { by: string; at: string }): GateResponse {
  const one = Array.isArray(value) ? value[0] : value;
  const parsed = WireResponse.parse(one);
  // Agent Inbox sends the ActionRequest back with an accept; an accept changes nothing, so it carries no args.
  const args =
    parsed.type === "accept"
      ? null
      : parsed.type === "ignore" && !parsed.args
        ? "no reason given"
        : (parsed.args ?? null);
  return {
    type: parsed.type,
    args,
    by: parsed.by ?? defaults.by,
    at: parsed.at ?? defaults.at,
    ...(parsed.interrupt_id ? { interrupt_id: parsed.interrupt_id } : {}),
  } as GateResponse;
}

/**
 * An edit as it came back, with each text value turned into the kind of value it replaces: an inbox
 * sends every field back as a string ("85", "[...]"), and the draft's value says what was meant.
 * A string that does not read as that kind is left as it is, for the gate's schema to refuse.
 */
export function coerceEdit(response: GateResponse, editable: Readonly<Record<string, unknown>>): GateResponse {
  if (response.type !== "edit" || response.args === null || typeof response.args !== "object") return response;
  const coerced = Object.fromEntries(
    Object.entries(response.args.args).map(([key, value]) => {
      if (typeof value !== "string" || !Object.hasOwn(editable, key) || typeof editable[key] === "string")
        return [key, value];
      try {
        return [key, JSON.parse(value.trim()) as unknown];
      } catch {
        return [key, value];
      }
    }),
  );
  return { ...response, args: { ...response.args, args: coerced } };
}

export interface GateQuestion {
  info: Omit<GateInfo, "locked" | "refused"> & { locked?: Record<string, unknown> };
  /** The values an edit may change. */
  editable: Record<string, unknown>;
  allow: { edit: boolean; respond: boolean };
  /** Markdown: what a person needs to judge the draft. */
  description: string;
  /**
   * The gate sends to customers: an answer must name the question it answers (its interrupt id), so
   * one meant for another question (a double submit, a race with another client) is never taken.
   */
  namedAnswersOnly?: boolean;
}

/** The interrupt a gate raises; a refusal of the last answer comes first in what a person reads. */
export function gatePayload(question: GateQuestion, refused?: string): GatePayload {
  const info: GateInfo = { ...question.info, locked: question.info.locked ?? {}, ...(refused ? { refused } : {}) };
  return {
    action_request: { action: `approve_${question.info.kind}`, args: question.editable },
    config: {
      allow_accept: true,
      allow_edit: question.allow.edit,
      allow_respond: question.allow.respond,
      allow_ignore: true,
    },
    description: `${refused ? `> **Your last answer was refused:** ${refused.replace(/\n/g, " ")}\n\n` : ""}${question.description}`,
    leanos: info,
  };
}

/** What an action that lacks its inputs waits for, as its question records it. */
function waitsFor(locked: Record<string, unknown>): string | undefined {
  const wait = locked.waits_for as { needs?: unknown } | undefined;
  return typeof wait?.needs === "string" ? wait.needs : undefined;
}

export function pendingItem(payload: GatePayload): PendingItem {
  const info = payload.leanos;
  const allowed: PendingItem["allowed"] = ["accept"];
  if (payload.config.allow_edit) allowed.push("edit");
  if (payload.config.allow_respond) allowed.push("respond");
  if (payload.config.allow_ignore) allowed.push("reject");
  return {
    thread: info.thread,
    kind: info.kind,
    node: info.node,
    stage: info.stage,
    question: info.question,
    impact: info.impact,
    allowed,
    ...(info.action_id ? { action_id: info.action_id } : {}),
    ...(info.opportunity_id ? { opportunity_id: info.opportunity_id } : {}),
    draft: info.draft,
    ...(info.diff ? { diff: info.diff } : {}),
    ...(info.outcomes ? { outcomes: info.outcomes } : {}),
    ...(waitsFor(info.locked) ? { waits_for: waitsFor(info.locked)! } : {}),
    ...(payload.config.allow_edit ? { fields: Object.keys(payload.action_request.args) } : {}),
    ...(info.refused ? { refused: info.refused } : {}),
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
      return {
        answer: "reject",
        ...base,
        reason: typeof response.args === "string" && response.args.length > 0 ? response.args : "no reason given",
      };
  }
}

/** The edited values of an `edit` response. */
export function editedValues(response: GateResponse): Record<string, unknown> {
  return response.args !== null && typeof response.args === "object" ? response.args.args : {};
}
