import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "@langchain/langgraph";
import { afterEach, describe, expect, it } from "vitest";
import { readEvent } from "../src/stages/readEvent.js";
import type { GatePayload } from "../src/gates/wire.js";
import { Runtime } from "../src/runtime/engine.js";
import { sampleCopy } from "./helpers.js";

// A gate holds its own rules: an answer sent straight to the graph, as any LangGraph client sends
// it (no CLI in between), is checked by the gate node itself. A wrong one changes nothing; the
// thread waits with a new question that says why the answer was refused.

const DEAL = "sales/elsaai-deal-closed";
const LEAD = "sales/inbound-demo-request-atelier-rouge";
const opened: Runtime[] = [];
afterEach(() => opened.splice(0).forEach((runtime) => runtime.close()));

async function waitingAt(eventFile: string): Promise<{ runtime: Runtime; workspace: string; thread: string }> {
  const workspace = await sampleCopy();
  const runtime = await Runtime.open({ workspace, now: () => new Date("2026-11-27T09:00:00Z") });
  opened.push(runtime);
  const event = await readEvent({ file: join(workspace, "events", eventFile), today: "2026-11-27" });
  const started = await runtime.startEvent(event);
  expect(started.state).toBe("waiting");
  return { runtime, workspace, thread: started.thread };
}

/** The thread's LangGraph id, as meta.json records it. */
async function idOf(runtime: Runtime, thread: string): Promise<string> {
  const { meta } = await runtime.resolve(thread);
  expect(meta.id).toMatch(/^[0-9a-f-]{36}$/);
  return meta.id!;
}

/** Resumes the thread's graph directly, as the LangGraph server does for an SDK or Agent Inbox client. */
async function resume(runtime: Runtime, thread: string, value: unknown): Promise<void> {
  const graph = await runtime.graph();
  await graph.invoke(new Command({ resume: value }), {
    configurable: { thread_id: await idOf(runtime, thread), leanos_user: "inbox-user" },
    durability: "sync",
  });
}

async function waiting(
  runtime: Runtime,
  thread: string,
): Promise<{ payload: GatePayload; id: string | undefined; outputs: unknown }> {
  const graph = await runtime.graph();
  const snapshot = await graph.getState({ configurable: { thread_id: await idOf(runtime, thread) } });
  const interrupt = snapshot.tasks.flatMap((task) => task.interrupts)[0]!;
  return {
    payload: interrupt.value as GatePayload,
    id: interrupt.id,
    outputs: (snapshot.values as { outputs: unknown }).outputs,
  };
}

describe("a gate checks the answers it is given", () => {
  it.each([
    [
      "an edited value its schema refuses",
      { type: "edit", args: { action: "approve_impact", args: { verdict: "MAYBE" } } },
      "verdict",
    ],
    [
      "an edit of a field the draft does not have",
      [{ type: "edit", args: { action: "approve_impact", args: { colour: "red" } } }],
      '"colour" is not a field',
    ],
    ["a respond with no feedback", [{ type: "response", args: "  " }], "respond needs the feedback text"],
    ["something that is not a HumanResponse", [{ type: "approve", args: null }], "not an answer a gate reads"],
  ])("refuses %s at the decision gate and keeps the thread waiting, unchanged", async (_name, answer, named) => {
    const { runtime, workspace, thread } = await waitingAt("01-elsaai-deal-closed.md");
    const before = await waiting(runtime, thread);
    const draft = await readFile(join(workspace, "threads", DEAL, "4-decision.md"), "utf8");

    await resume(runtime, thread, answer);

    const after = await waiting(runtime, thread);
    expect(after.outputs).toEqual(before.outputs);
    expect(after.id).not.toBe(before.id);
    expect(after.payload.leanos).toMatchObject({ node: "gate_decision", refused: expect.stringContaining(named) });
    expect(after.payload.description).toContain("Your last answer was refused");
    expect(await readFile(join(workspace, "threads", DEAL, "4-decision.md"), "utf8")).toBe(draft);
    const audit = await runtime.audit.read();
    expect(audit.filter((entry) => entry.kind === "gate-answered" && entry.by !== "policy")).toEqual([]);
    expect(audit).toContainEqual(
      expect.objectContaining({ kind: "gate-refused", thread, gate: "impact", node: "gate_decision" }),
    );

    // A right answer after a refused one is taken, and the refusal note goes with it.
    await resume(runtime, thread, [
      { type: "accept", args: { action: "approve_impact", args: before.payload.action_request.args } },
    ]);
    const next = await waiting(runtime, thread);
    expect(next.payload.leanos).toMatchObject({ kind: "actions", action_id: "act-3" });
    expect(next.payload.leanos.refused).toBeUndefined();
  });

  it("takes an edit whose values all come back as text, as an inbox sends them, in the types the draft has", async () => {
    const { runtime, thread } = await waitingAt("01-elsaai-deal-closed.md");
    const before = await waiting(runtime, thread);
    const asText = Object.fromEntries(
      Object.entries(before.payload.action_request.args).map(([key, value]) => [
        key,
        typeof value === "string" ? value : JSON.stringify(value, null, 2),
      ]),
    );
    await resume(runtime, thread, [
      {
        type: "edit",
        args: {
          action: "approve_impact",
          args: { ...asText, rationale: "Cleared with the customer's legal team first." },
        },
      },
    ]);
    const outputs = (await waiting(runtime, thread)).outputs as Record<string, Record<string, unknown>>;
    expect(outputs.decision).toEqual({
      ...(before.outputs as Record<string, Record<string, unknown>>).decision,
      rationale: "Cleared with the customer's legal team first.",
    });
  });

  it("offers an inbox only the editable values, with the context in the description", async () => {
    const { runtime, thread } = await waitingAt("01-elsaai-deal-closed.md");
    const { payload, outputs } = await waiting(runtime, thread);
    // The decision's own values (how sure the drafter was, and what the policy sets: status, impact
    // score, whether a person is flagged, are shown, not edited), and the reading it rests on.
    const {
      confidence: _confidence,
      status: _status,
      impact_score: _impact,
      human_flagged: _flagged,
      ...decision
    } = (outputs as { decision: Record<string, unknown> }).decision;
    expect(payload.action_request.args).toMatchObject(decision);
    expect(Object.keys(payload.action_request.args).sort()).toEqual(
      [...Object.keys(decision), "type", "assumptions", "facts"].sort(),
    );
    expect(payload.action_request.args).toMatchObject({
      type: "sales",
      assumptions: expect.arrayContaining([{ id: "A4", direction: "validates" }]),
    });
    expect(payload.action_request.args).not.toHaveProperty("thread");
    expect(payload.action_request.args).not.toHaveProperty("question");
    expect(payload.description).toContain(payload.leanos.question);
    expect(payload.description).toContain("Impact");
  });

  it("refuses an answer that reports no outcome, or one the action does not have, at an action a person carries out", async () => {
    const { runtime, thread } = await waitingAt("03-inbound-lead-atelier-rouge.md");
    expect(thread).toBe(LEAD);
    await resume(runtime, thread, [{ type: "accept", args: null }]);
    // Said in words of no front end's: the field, why, and what it takes.
    expect((await waiting(runtime, thread)).payload.leanos.refused).toBe(
      "outcome: report what happened (allowed: qualified, disqualified)",
    );
    await resume(runtime, thread, [{ type: "edit", args: { action: "approve_actions", args: { outcome: "signed" } } }]);
    expect((await waiting(runtime, thread)).payload.leanos.refused).toContain(
      '"signed" is not an outcome of this action',
    );
    await resume(runtime, thread, [{ type: "response", args: "call them again" }]);
    expect((await waiting(runtime, thread)).payload.leanos.refused).toContain('"respond" is not allowed');
    expect((await waiting(runtime, thread)).payload.leanos.action_id).toBe("act-2");

    await resume(runtime, thread, [
      { type: "edit", args: { action: "approve_actions", args: { outcome: "qualified" } } },
    ]);
    expect((await waiting(runtime, thread)).payload.leanos).toMatchObject({ action_id: "act-3" });
  });

  it("leaves the thread as it was when the answer names an interrupt that no longer waits", async () => {
    const { runtime, thread } = await waitingAt("01-elsaai-deal-closed.md");
    const first = await waiting(runtime, thread);
    await resume(runtime, thread, [{ type: "response", args: "" }]);
    const second = await waiting(runtime, thread);
    expect(second.id).not.toBe(first.id);
    await resume(runtime, thread, { [first.id!]: [{ type: "accept", args: null }] });
    const after = await waiting(runtime, thread);
    // The very question that waited still waits: the answer was not taken, nor refused.
    expect(after.id).toBe(second.id);
    expect(after.outputs).toEqual(first.outputs);
    expect((await runtime.audit.read()).filter((entry) => entry.kind === "gate-refused")).toHaveLength(1);
  });
});
