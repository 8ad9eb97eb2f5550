import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Command } from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/log.js";
import { readEvent } from "../../src/stages/readEvent.js";
import type { GatePayload } from "../../src/gates/wire.js";
import { THREAD_GATES } from "../../src/gates/registry.js";
import { buildThreadGraph } from "../../src/graph/builder.js";
import { selectDrafter } from "../../src/llm/select.js";
import { openForWork } from "../../src/runtime/open.js";
import { recordingEnvironment } from "../../src/runtime/recorder.js";
import { SqliteStore } from "../../src/store/sqliteStore.js";
import { sampleCopy } from "../helpers.js";

// The pinned PostgreSQL checkpointer (@langchain/langgraph-checkpoint-postgres 1.0.x) runs the
// thread graph on this LangGraph: a thread interrupted through one connection pool is resumed
// through another, as a second machine would.

const databaseUrl = process.env.LEANOS_TEST_DATABASE_URL;

async function graphOn(workspace: string, saver: PostgresSaver) {
  const opened = await openForWork(workspace);
  const drafter = await selectDrafter({ provider: "offline" });
  const audit = new AuditLog(opened.workspace.root, opened.workspace.auditPath);
  return buildThreadGraph(
    recordingEnvironment({
      ...opened,
      store: new SqliteStore(opened.workspace),
      drafter,
      audit,
      now: () => new Date("2026-11-27T09:00:00Z"),
    }),
    THREAD_GATES,
    saver,
  );
}

const waitingAt = (values: unknown): GatePayload["leanos"] =>
  (values as { __interrupt__: Array<{ value: GatePayload }> }).__interrupt__[0]!.value.leanos;

describe.skipIf(!databaseUrl)("thread checkpoints on PostgreSQL", () => {
  it("interrupt through one connection, resume through another", async () => {
    const workspace = await sampleCopy();
    const schema = `leanos_${randomUUID().slice(0, 8)}`;
    const config = { configurable: { thread_id: randomUUID() }, durability: "sync" as const };
    const event = await readEvent({ file: join(workspace, "events", "01-elsaai-deal-closed.md"), today: "2026-11-27" });

    const first = PostgresSaver.fromConnString(databaseUrl!, { schema });
    await first.setup();
    try {
      const started = await (await graphOn(workspace, first)).invoke({ event } as never, config);
      expect(waitingAt(started)).toMatchObject({ thread: "sales/elsaai-deal-closed", node: "gate_decision" });
    } finally {
      await first.end();
    }

    const second = PostgresSaver.fromConnString(databaseUrl!, { schema });
    try {
      const resumed = await (
        await graphOn(workspace, second)
      ).invoke(new Command({ resume: [{ type: "accept", args: null }] }) as never, config);
      expect(waitingAt(resumed)).toMatchObject({ kind: "actions", action_id: "act-3" });
    } finally {
      await second.end();
    }
  }, 60_000);
});
