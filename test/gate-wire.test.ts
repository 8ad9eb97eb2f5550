import { describe, expect, it } from "vitest";
import { readResponse } from "../src/gates/wire.js";

// How a gate reads the resume it is given: leanos's own clients send one response with who and
// when; Agent Inbox sends an array of one HumanResponse with neither.

const defaults = { by: "config-user", at: "2026-11-27T08:00:00.000Z" };

describe("a gate's resume value", () => {
  it("is taken as it is when leanos's CLI sends it, who and when included", () => {
    expect(
      readResponse(
        {
          type: "edit",
          args: { action: "approve_decision", args: { verdict: "DEFER" } },
          by: "bella",
          at: "2026-11-20T10:00:00Z",
        },
        defaults,
      ),
    ).toEqual({
      type: "edit",
      args: { action: "approve_decision", args: { verdict: "DEFER" } },
      by: "bella",
      at: "2026-11-20T10:00:00Z",
    });
  });

  it("may be an array of one HumanResponse (Agent Inbox), and then takes who and when from the run and the clock", () => {
    expect(readResponse([{ type: "response", args: "name the customer only after go-live" }], defaults)).toEqual({
      type: "response",
      args: "name the customer only after go-live",
      ...defaults,
    });
  });

  it("reads an accept that carries the ActionRequest back as a plain accept", () => {
    expect(
      readResponse([{ type: "accept", args: { action: "approve_decision", args: { verdict: "PROCEED" } } }], defaults),
    ).toEqual({ type: "accept", args: null, ...defaults });
  });

  it("reads an ignore with null args as a rejection with no reason given", () => {
    expect(readResponse([{ type: "ignore", args: null }], defaults)).toMatchObject({
      type: "ignore",
      args: "no reason given",
    });
    expect(
      readResponse({ type: "ignore", args: "no publicity agreed", by: "bella", at: defaults.at }, defaults),
    ).toMatchObject({ args: "no publicity agreed", by: "bella" });
  });

  it("refuses what is not a HumanResponse: an empty array, an unknown type, args of the wrong shape", () => {
    expect(() => readResponse([], defaults)).toThrow();
    expect(() => readResponse([{ type: "approve", args: null }], defaults)).toThrow();
    expect(() => readResponse({ type: "edit", args: 42 }, defaults)).toThrow();
  });
});
