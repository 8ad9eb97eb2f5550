import { inputGoalLink } from "../graph/goalsAndValues.js";
import type { Values } from "../values/valuesFile.js";
import type { Goal } from "../goals/goals.js";
import type { AuditEntry, AuditLog } from "../audit/log.js";
import type { Canvas } from "../canvas/canvas.js";
import { currentRun, type ProgressEvent } from "../graph/kit.js";
import type { GraphSpec } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import type { ModelUsage, StageDrafter } from "../stages/drafter.js";
import type { SkillSet } from "../skills/loader.js";
import { threadIdOf } from "../core/threadId.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";
import { MetaStore } from "../threads/metaStore.js";
import { rememberExample, type Example } from "../memory/examples.js";
import type { WorkspaceStore } from "../store/store.js";
import type { Workspace } from "../workspace/workspace.js";
import { currentAction, opportunitiesOf, validatedBy } from "./checkpointView.js";

// What the records a run keeps (recorder.ts) share: the parts they write with, what a graph's state
// says for meta.json, and how a question put to a person is audited.

export interface RecorderParts {
  workspace: Workspace;
  store: Pick<WorkspaceStore, "claims" | "index" | "secrets" | "memory">;
  canvas: Canvas;
  goals?: readonly Goal[];
  values?: Values;
  skills: SkillSet;
  spec: GraphSpec;
  drafter: StageDrafter;
  audit: AuditLog;
  now: () => Date;
  onProgress?: (event: ProgressEvent) => void;
}

/** What the state of a graph says for meta.json, whatever the thread waits for. */
export function progressOf(
  spec: GraphSpec,
  values: Partial<ThreadGraphState>,
  meta: ThreadMeta,
): Pick<ThreadMeta, "impact" | "opportunities" | "current_action" | "validated" | "goal_id" | "subgoal"> {
  const link = inputGoalLink(spec, values.outputs);
  return {
    goal_id: link?.id ?? null,
    ...(link?.subgoal ? { subgoal: link.subgoal } : {}),
    impact: values.impact ?? null,
    opportunities: opportunitiesOf(spec, values, meta.opportunities),
    current_action: currentAction(spec, values),
    validated: validatedBy(spec, values),
  };
}

/** A thread's model usage with more calls added. */
export function withUsage(usage: ThreadMeta["usage"], calls: readonly ModelUsage[]): ThreadMeta["usage"] {
  return calls.reduce<ThreadMeta["usage"]>(
    (sum, call) => ({
      calls: sum.calls + 1,
      input_tokens: sum.input_tokens + call.input_tokens,
      output_tokens: sum.output_tokens + call.output_tokens,
      cache_read_tokens: sum.cache_read_tokens + call.cache_read_tokens,
      cache_write_tokens: sum.cache_write_tokens + call.cache_write_tokens,
      latency_ms: sum.latency_ms + call.latency_ms,
    }),
    usage,
  );
}

/** A pending item is new unless meta.json already lists the same question. */
export const sameQuestion = (a: PendingItem, b: PendingItem): boolean =>
  a.node === b.node && (a.action_id ?? a.opportunity_id ?? "") === (b.action_id ?? b.opportunity_id ?? "");

/** The audit entry of a question put to a person. */
export function gateAsked(thread: string, item: PendingItem, at: string): AuditEntry {
  return {
    kind: "gate-asked",
    at,
    thread,
    gate: item.kind,
    node: item.node,
    question: item.question,
    impact: item.impact,
    ...(item.action_id ? { action_id: item.action_id } : {}),
  };
}

/** What every record of a run shares: its parts, meta.json, the clock, and the drafter of the run. */
export interface Recording {
  parts: RecorderParts;
  metas: MetaStore;
  stamp: () => string;
  /** The drafter of the run a record is made in (a graph compiled once serves every thread's model). */
  drafterNow: () => StageDrafter;
  withoutError: (meta: ThreadMeta) => ThreadMeta;
  /** Keeps the thread's example in the workspace's memory (memory/examples.ts), under its LangGraph id. */
  remember: (
    thread: string,
    judged: Pick<Example, "read" | "final" | "judged" | "by" | "at" | "reason">,
  ) => Promise<void>;
}

export function recordingOf(parts: RecorderParts): Recording {
  const metas = new MetaStore(parts.workspace, parts.store.index, parts.now);
  return {
    parts,
    metas,
    stamp: () => parts.now().toISOString(),
    drafterNow: () => currentRun()?.drafter ?? parts.drafter,
    withoutError: ({ error: _cleared, ...meta }) => meta,
    remember: async (thread, judged) => {
      const meta = await metas.read(thread);
      await rememberExample(parts.store.memory, threadIdOf(meta), {
        kind: "example",
        thread,
        event: meta.event.text,
        ...judged,
      });
    },
  };
}
