import { readFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { afterEach, describe, expect, it } from "vitest";
import { forgetMemory, listMemory } from "../src/memory/listing.js";
import { RULES } from "../src/memory/examples.js";
import { ruleStatement, type Rule } from "../src/memory/rules.js";
import { Runtime } from "../src/runtime/engine.js";
import type { DecisionOutput, HypothesisOutput, InputOutput } from "../src/core/stageSchemas.js";
import { sampleCopy } from "./helpers.js";

// The offline drafter learns from the people who correct it (issue 27): an event close to one a
// person corrected is read as they corrected it, and the draft says where that came from; a rule a
// person confirmed applies before the drafter's own; forgetting the example gives the cold reading
// back. (Which events count as close, and what teaching does to the eval sets: evals/README.md.)

const DEAL = "events/01-elsaai-deal-closed.md";
const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function workspaceRuntime() {
  const workspace = await sampleCopy();
  let minute = 0;
  const runtime = await Runtime.open({
    workspace,
    provider: "offline",
    now: () => new Date(Date.UTC(2026, 10, 18, 9, minute++)),
  });
  opened.push(runtime);
  const text = async (file: string) => readFile(join(workspace, file), "utf8");
  return { workspace, runtime, text };
}

/** The event of `file` as a forwarded copy: the same report, a few days later, from another source. */
async function forwarded(text: string): Promise<{ text: string; date: string; source: string }> {
  const body = matter(text).content;
  return { text: `Fwd: from our CRM, for the weekly review.\n\n${body}`, date: "2026-11-21", source: "CRM export" };
}

async function readingOf(runtime: Runtime, thread: string) {
  const { thread: name, meta } = await runtime.resolve(thread);
  const dir = join(runtime.workspace.threadsDir, ...name.split("/"));
  const output = async <T>(file: string) => matter(await readFile(join(dir, file), "utf8")).data.output as T;
  const input = await output<InputOutput>("1-input.md");
  const hypothesis = await output<HypothesisOutput>("2-hypothesis.md");
  const decision = await output<DecisionOutput>("4-decision.md");
  return {
    type: meta.type,
    tests: hypothesis.tests.map((test) => `${test.assumption_id} ${test.direction}`),
    verdict: decision.verdict,
    notes: [input.summary, hypothesis.summary, decision.rationale].join("\n"),
  };
}

const CORRECTION = {
  type: "business",
  assumptions: [{ id: "A5", direction: "challenges" }],
  verdict: "INVESTIGATE",
} as const;

describe("an event close to one a person corrected", () => {
  it("is read as the person corrected it (type, assumptions, verdict), and the draft says where that came from", async () => {
    const { runtime, text } = await workspaceRuntime();
    const first = await runtime.startEvent({ text: await text(DEAL), date: "2026-11-18", source: "contract" });
    const cold = await readingOf(runtime, first.thread);
    const corrected = await runtime.correct(first.thread, CORRECTION, {
      by: "bella",
      reason: "the sales cycle ran long",
    });
    expect(corrected.thread).toBe("business/elsaai-deal-closed");

    const again = await runtime.startEvent(await forwarded(await text(DEAL)));
    const taught = await readingOf(runtime, again.thread);
    expect(taught).toMatchObject({ type: "business", tests: ["A5 challenges"], verdict: "INVESTIGATE" });
    expect(taught.notes).toContain("as in threads/business/elsaai-deal-closed, corrected by bella on 2026-11-18");
    expect(cold).toMatchObject({ type: "sales", verdict: "PROCEED" });
  }, 60_000);

  it("is read cold again once the example is forgotten", async () => {
    const { runtime, text } = await workspaceRuntime();
    const copy = await forwarded(await text(DEAL));
    const untaught = await runtime.startEvent(copy);
    const cold = await readingOf(runtime, untaught.thread);
    const first = await runtime.startEvent({ text: await text(DEAL), date: "2026-11-18", source: "contract" });
    await runtime.correct(first.thread, CORRECTION, { by: "bella" });
    const example = (await listMemory(runtime.store.memory)).find(
      (entry) => entry.from === "threads/business/elsaai-deal-closed",
    );
    expect(example).toBeDefined();
    expect(await forgetMemory(runtime.store.memory, example!.id)).toBeDefined();

    const after = await readingOf(runtime, (await runtime.startEvent(copy)).thread);
    expect({ ...after, notes: undefined }).toEqual({ ...cold, notes: undefined });
    expect(after.notes).not.toContain("as in threads/");
  }, 60_000);

  it("teaches nothing to an event that shares little with it", async () => {
    const { runtime, text } = await workspaceRuntime();
    const lost = { text: await text("events/02-lost-deal-nordstil.md"), date: "2026-11-19", source: "CRM" };
    const cold = await readingOf(runtime, (await runtime.startEvent(lost)).thread);
    const first = await runtime.startEvent({ text: await text(DEAL), date: "2026-11-18", source: "contract" });
    await runtime.correct(first.thread, CORRECTION, { by: "bella" });
    const after = await readingOf(runtime, (await runtime.startEvent(lost)).thread);
    expect(after).toEqual(cold);
  }, 60_000);
});

describe("a rule a person confirmed", () => {
  it("applies before the drafter's own rules, and the draft names it", async () => {
    const { runtime, text } = await workspaceRuntime();
    const when = ["white-label"];
    const then = { verdict: "DEFER" } as const;
    const rule: Rule = {
      kind: "rule",
      when,
      then,
      says: ruleStatement(when, then),
      evidence: { thread: "sales/earlier", example: "x" },
      proposed_by: "offline:rules-v1",
      by: "bella",
      at: "2026-11-17T10:00:00.000Z",
    };
    await runtime.store.memory.put(RULES, "rule-test", rule);
    const drafted = await readingOf(
      runtime,
      (await runtime.startEvent({ text: await text(DEAL), date: "2026-11-18", source: "contract" })).thread,
    );
    expect(drafted.verdict).toBe("DEFER");
    expect(drafted.notes).toContain(
      'by the rule "an event that mentions "white-label" is decided DEFER", confirmed by bella on 2026-11-17',
    );
  }, 60_000);
});
