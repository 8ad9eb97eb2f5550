import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditLog } from "../src/audit/log.js";
import type { DraftRequest, ModelUsage, StageDrafter } from "../src/stages/drafter.js";
import { OfflineDrafter } from "../src/llm/offline/drafter.js";
import { Runtime } from "../src/runtime/engine.js";
import type { ThreadMeta } from "../src/core/threadMeta.js";
import { sampleCopy } from "./helpers.js";

// What a thread's model calls leave behind: every call in the audit log as soon as it returns (the
// record of what was spent), and the thread's total in meta.json, counted in the one write that also
// records the stage the calls drafted.

const CALL: ModelUsage = {
  input_tokens: 1200,
  output_tokens: 300,
  cache_read_tokens: 1000,
  cache_write_tokens: 0,
  latency_ms: 5,
};

/** The offline drafter, reporting each draft as a model call that cost something. */
class MeteredDrafter implements StageDrafter {
  readonly provider = "offline";
  readonly model = "rules-v1";
  private readonly rules = new OfflineDrafter();
  classify: StageDrafter["classify"] = (event, basis) => this.rules.classify(event, basis);
  async draft(request: DraftRequest) {
    return { ...(await this.rules.draft(request)), usage: CALL };
  }
}

describe("a thread's model calls", () => {
  it("are audited before their stage's files and counted in meta.json with them", async () => {
    const workspace = await sampleCopy();
    const runtime = await Runtime.open({
      workspace,
      drafter: new MeteredDrafter(),
      now: () => new Date("2026-11-26T09:00:00Z"),
    });
    let thread: string;
    try {
      const text = await readFile(join(workspace, "events", "01-elsaai-deal-closed.md"), "utf8");
      const result = await runtime.startEvent({ text, date: "2026-11-26", source: "CRM" });
      thread = result.thread;
      expect(result.pending).toBeDefined();
    } finally {
      await runtime.close();
    }
    const audit = await new AuditLog(workspace, join(workspace, ".leanos", "audit.jsonl")).read();
    const calls = audit.filter((entry) => entry.kind === "model-call");
    expect(calls.map((call) => call.kind === "model-call" && call.stage)).toEqual([
      "input",
      "hypothesis",
      "implication",
      "decision",
    ]);
    for (const [index, call] of calls.entries()) {
      const stageFile = `${index + 1}-${call.kind === "model-call" ? call.stage : ""}.md`;
      const written = audit.findIndex((entry) => entry.kind === "file-written" && entry.path.endsWith(stageFile));
      expect(written).toBeGreaterThan(audit.indexOf(call));
    }
    const meta = JSON.parse(
      await readFile(join(workspace, "threads", ...thread.split("/"), "meta.json"), "utf8"),
    ) as ThreadMeta;
    expect(meta.usage).toEqual({
      calls: 4,
      input_tokens: 4 * 1200,
      output_tokens: 4 * 300,
      cache_read_tokens: 4 * 1000,
      cache_write_tokens: 0,
      latency_ms: 4 * 5,
    });
    expect(meta.files).toEqual(
      expect.arrayContaining(["1-input.md", "2-hypothesis.md", "3-implication.md", "4-decision.md"]),
    );
  });
});
