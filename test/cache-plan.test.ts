import { describe, expect, it } from "vitest";
import { CacheLedger, planCache, prefixIds, type CandidateBlock } from "../src/llm/cachePlan.js";

// Where a request marks the prompt cache (src/llm/cachePlan.ts): only where a mark will be read.

const NOW = new Date("2026-12-07T12:00:00Z");
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

/** A request as the layout builds it: the rules and the canvas (each a breakpoint), then a thread's history and the call's request. */
function request(history: string[]): CandidateBlock[] {
  const texts = ["rules", "canvas", ...history, "request"];
  const ids = prefixIds("anthropic:model:tools", texts);
  return texts.map((_, index) => ({
    prefix: ids[index]!,
    scope: index < 2 ? "workspace" : "thread",
    candidate: index < 2 || index === texts.length - 2,
  }));
}
const marked = (plan: { marks: Map<number, string> }) => Object.fromEntries(plan.marks);

describe("the prompt cache's plan for a request", () => {
  it("marks nothing for a lone call in a cold process, which is billed at 1x", () => {
    const plan = planCache(request(["event"]), "none", new CacheLedger(), NOW, "auto");
    expect(plan.marks.size).toBe(0);
    expect(plan.uses).toEqual([]);
  });

  it("marks the rules, the canvas and the history for 5 minutes when another call of the thread follows in this process", () => {
    const plan = planCache(request(["event"]), "thread", new CacheLedger(), NOW, "auto");
    expect(marked(plan)).toEqual({ 0: "5m", 1: "5m", 2: "5m" });
    expect(plan.uses).toHaveLength(3);
  });

  it("marks only the workspace's blocks when the call that follows is another thread's", () => {
    expect(marked(planCache(request(["event"]), "workspace", new CacheLedger(), NOW, "auto"))).toEqual({
      0: "5m",
      1: "5m",
    });
  });

  it("marks what is still cached, with the TTL it was written with, so the call reads it", () => {
    const ledger = new CacheLedger();
    const earlier = request(["event"]);
    ledger.record(
      [0, 1].map((index) => ({ prefix: earlier[index]!.prefix, ttl: "1h" as const })),
      minutesBefore(30),
    );
    const plan = planCache(request(["other event"]), "none", ledger, NOW, "auto");
    expect(plan.marks.get(0)).toBe("1h");
    expect(plan.marks.get(1)).toBe("1h");
  });

  it("reaches a shorter cached history from the end of this one: the earlier call's prefix is read, the new stage written", () => {
    const ledger = new CacheLedger();
    const earlier = request(["event", "input stage"]);
    ledger.record([{ prefix: earlier[3]!.prefix, ttl: "5m" }], minutesBefore(1));
    const plan = planCache(request(["event", "input stage", "hypothesis stage"]), "none", ledger, NOW, "auto");
    // The rules and the canvas were not marked on their own, and are read through the history's mark.
    expect(marked(plan)).toEqual({ 4: "5m" });
    expect(plan.uses.map((use) => use.prefix)).toContain(earlier[3]!.prefix);
  });

  it("keeps for an hour what was last used more than 5 minutes and less than an hour ago: the calls come that far apart", () => {
    const ledger = new CacheLedger();
    const earlier = request(["event"]);
    ledger.record([{ prefix: earlier[0]!.prefix, ttl: "5m" }], minutesBefore(20));
    expect(marked(planCache(request(["event"]), "none", ledger, NOW, "auto"))).toEqual({ 0: "1h", 1: "1h" });
    // The same, two hours on: nothing is live and nothing recent, so a lone call marks nothing.
    const later = new Date(NOW.getTime() + 2 * 60 * 60_000);
    expect(planCache(request(["event"]), "none", ledger, later, "auto").marks.size).toBe(0);
  });

  it("counts only the thread's own earlier calls as a reason to keep its history, never another thread's use of the rules", () => {
    const ledger = new CacheLedger();
    const other = request(["another thread's event"]);
    ledger.record([{ prefix: other[0]!.prefix, ttl: "5m" }], minutesBefore(20));
    expect(marked(planCache(request(["event"]), "none", ledger, NOW, "auto"))).toEqual({ 0: "1h", 1: "1h" });
  });

  it("never puts an hour-long mark after a shorter one", () => {
    const ledger = new CacheLedger();
    const earlier = request(["event"]);
    ledger.record([{ prefix: earlier[2]!.prefix, ttl: "5m" }], minutesBefore(30));
    const plan = planCache(request(["event", "input stage"]), "thread", ledger, NOW, "auto");
    expect(marked(plan)).toEqual({ 0: "1h", 1: "1h", 3: "1h" });
  });

  it("marks every breakpoint with the TTL a workspace forces, and none when it turns the cache off", () => {
    expect(marked(planCache(request(["event"]), "none", new CacheLedger(), NOW, "1h"))).toEqual({
      0: "1h",
      1: "1h",
      2: "1h",
    });
    expect(planCache(request(["event"]), "thread", new CacheLedger(), NOW, "off").marks.size).toBe(0);
  });

  it("names each prefix by everything before it: the same text after a different block is another prefix", () => {
    const [a] = [prefixIds("id", ["rules", "canvas A", "event"])];
    const b = prefixIds("id", ["rules", "canvas B", "event"]);
    expect(a[0]).toBe(b[0]);
    expect(a[2]).not.toBe(b[2]);
    expect(prefixIds("other model", ["rules"])[0]).not.toBe(a[0]);
  });
});
