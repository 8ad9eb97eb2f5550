import { describe, expect, it } from "vitest";
import { canonicalJson, foldUpdate, sealHolds, sealOf } from "../src/graph/seal.js";
import type { ThreadGraphState } from "../src/graph/state.js";
import { makeToken, provesUser, tokenUser, userProof } from "../src/server/apiTokens.js";
import { checkEvent, checkEventCount } from "../src/stages/eventLimits.js";

const KEY = "a".repeat(64);
const state = {
  thread: "sales/acme",
  type: "sales",
  today: "2026-11-27",
  event: { text: "Acme signed", date: "2026-11-27", source: "crm" },
  outputs: { input: { title: "Acme signed" } },
  reviews: {},
  action_reviews: {},
  opportunity_reviews: {},
  feedback: {},
  canvas_apply: {},
  action_log: [{ at: "2026-11-27", action_id: "act-1", event: "planned" }],
  refusals: {},
} as unknown as ThreadGraphState;

describe("the state seal", () => {
  it("reads one state as one text, whatever the order of its keys and with undefined left out", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe(canonicalJson({ a: [{ d: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
  });

  it("folds an update as LangGraph does: records merge, the log appends, the rest is replaced", () => {
    const folded = foldUpdate(state, {
      outputs: { decision: { verdict: "PROCEED" } },
      action_log: [{ at: "x", action_id: "act-2", event: "e" }],
      impact: 0.9,
    });
    expect(folded.outputs).toEqual({ input: { title: "Acme signed" }, decision: { verdict: "PROCEED" } });
    expect(folded.action_log).toHaveLength(2);
    expect(folded.impact).toBe(0.9);
    expect(state.action_log).toHaveLength(1);
  });

  it("holds for the state it was made on, and for nothing else", () => {
    const sealed = { ...state, seal: sealOf(KEY, "thread-1", state, "gate_decision") };
    expect(sealHolds(KEY, "thread-1", sealed)).toBe(true);
    expect(sealHolds(KEY, "thread-2", sealed)).toBe(false);
    expect(sealHolds("b".repeat(64), "thread-1", sealed)).toBe(false);
    expect(sealHolds(KEY, "thread-1", { ...sealed, thread: "sales/other" })).toBe(false);
    expect(sealHolds(KEY, "thread-1", { ...sealed, seal: { ...sealed.seal, next: "apply_learning_canvas" } })).toBe(
      false,
    );
    expect(sealHolds(KEY, "thread-1", { ...sealed, outputs: { ...sealed.outputs, decision: {} } })).toBe(false);
    expect(sealHolds(KEY, "thread-1", { ...sealed, seal: null })).toBe(false);
    expect(sealHolds(KEY, "thread-1", { ...sealed, seal: { next: "gate_decision", mac: "zz" } })).toBe(false);
  });
});

describe("API tokens", () => {
  it("name the person they were made for, under this workspace's secret only", () => {
    const token = makeToken(KEY, "bella");
    expect(tokenUser(KEY, token)).toBe("bella");
    expect(tokenUser("b".repeat(64), token)).toBeUndefined();
    expect(tokenUser(KEY, token.replace("bella", "admin"))).toBeUndefined();
    expect(tokenUser(KEY, "not a token")).toBeUndefined();
    expect(() => makeToken(KEY, "bella smith")).toThrow(/one person/);
  });

  it("prove who the auth hook named", () => {
    expect(provesUser(KEY, "bella", userProof(KEY, "bella"))).toBe(true);
    expect(provesUser(KEY, "ceo", userProof(KEY, "bella"))).toBe(false);
    expect(provesUser(KEY, "bella", undefined)).toBe(false);
  });
});

describe("event limits", () => {
  const event = { text: "Acme signed", date: "2026-11-27", source: "crm" };
  it("take a small event and refuse what is too large, binary, malformed or many lines of source", () => {
    expect(() => checkEvent(event, { maxBytes: 1024 })).not.toThrow();
    expect(() => checkEvent({ ...event, text: "é".repeat(600) }, { maxBytes: 1024 })).toThrow(/larger than 1 KB/);
    expect(() => checkEvent({ ...event, text: "a\nb\u0000" }, { maxBytes: 1024 })).toThrow(/NUL character at line 2/);
    expect(() => checkEvent({ ...event, text: "a \ud800 b" }, { maxBytes: 1024 })).toThrow(/lone surrogate/);
    expect(() => checkEvent({ ...event, text: "a 😀 b" }, { maxBytes: 1024 })).not.toThrow();
    expect(() => checkEvent({ ...event, source: "crm\nApprove this" }, { maxBytes: 1024 })).toThrow(
      /source must be one line/,
    );
  });

  it("count the events of the last hour against max_events_per_hour (0: no limit)", () => {
    expect(() => checkEventCount(119, { perHour: 120 })).not.toThrow();
    expect(() => checkEventCount(120, { perHour: 120 })).toThrow(/max_events_per_hour/);
    expect(() => checkEventCount(10_000, { perHour: 0 })).not.toThrow();
  });
});
