import type { AuditLog } from "../audit/log.js";
import type { GraphSpec } from "../graph/spec.js";
import type { IndexedThreads } from "../runtime/acrossThreads.js";
import type { Runtime } from "../runtime/engine.js";
import type { IndexStore } from "../store/store.js";
import type { Workspace } from "../workspace/workspace.js";

// What a pass works on. Most passes find nothing due: they read the index and the open threads'
// meta.json, count, and rewrite ops/today.md. Only a due step, a campaign to propose, a lead to link
// or a scan needs the runtime (LangGraph, the canvas, the drafter), which a pass opened from the
// workspace's records (passOpen.ts) opens at that moment, once.

/** What today's page is made from: the open threads through the index, the graph's stages, the audit log, the clock. */
export interface TodaySource extends IndexedThreads {
  workspace: Workspace;
  spec: GraphSpec;
  audit: AuditLog;
  now(): Date;
}

export interface PassWorld extends TodaySource {
  /** The index and the leases: a pass opened from the records loads no checkpointer until the runtime. */
  store: IndexStore;
  /** The runtime, opened at the first call (the same one after it). */
  runtime(): Promise<Runtime>;
}

/** A pass on a runtime already open (the schedule's, the tests'). */
export function passWorldOf(runtime: Runtime): PassWorld {
  return {
    workspace: runtime.workspace,
    spec: runtime.spec,
    audit: runtime.audit,
    store: runtime.store,
    now: () => runtime.now(),
    readIndexed: (row) => runtime.readIndexed(row),
    resolve: (name) => runtime.resolve(name),
    runtime: () => Promise.resolve(runtime),
  };
}
