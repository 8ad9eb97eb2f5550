import type { AuditEntry } from "../audit/log.js";
import type { GraphEnvironment } from "../graph/kit.js";
import { callCost } from "../llm/cost.js";
import { progressOf, withUsage, type Recording } from "./recording.js";

// What a run records as it goes, besides its questions and corrections (gateRecords.ts): its start,
// each stage's files and model calls, canvas changes, and how the run ends.

type RunRecords = Pick<
  GraphEnvironment,
  | "onThreadStarted"
  | "startedByClientsSince"
  | "onStageWritten"
  | "onModelUsage"
  | "onCanvasChanged"
  | "onGoalMeasured"
  | "onGoalCompleted"
  | "onScheduled"
  | "onFinished"
  | "onFailed"
>;

export function runRecords(recording: Recording): RunRecords {
  const { parts, metas, stamp, drafterNow, withoutError } = recording;
  const { audit, spec } = parts;
  return {
    onThreadStarted: (meta) => {
      const from = meta.origin ?? meta.pattern?.key;
      return audit.append({
        kind: "thread-started",
        at: meta.created_at,
        thread: meta.thread,
        type: meta.type,
        title: meta.title,
        provider: meta.provider,
        source: meta.event.source,
        ...(from ? { started_from: from } : {}),
      });
    },
    startedByClientsSince: async (since) =>
      (await audit.readSince(since)).filter((entry) => entry.kind === "thread-started" && !entry.started_from).length,
    onStageWritten: async (thread, stage, files, usage = []) => {
      await metas.update(thread, (meta) => ({
        ...withoutError(meta),
        state: "running",
        stage,
        files: [...new Set([...meta.files, ...files])],
        usage: withUsage(meta.usage, usage),
      }));
      await audit.append(
        ...files.map((file): AuditEntry => ({
          kind: "file-written",
          at: stamp(),
          thread,
          path: `threads/${thread}/${file}`,
        })),
      );
    },
    onModelUsage: async (thread, stage, calls, counted = "now") => {
      if (calls.length === 0) return;
      if (counted === "now") await metas.update(thread, (meta) => ({ ...meta, usage: withUsage(meta.usage, calls) }));
      await audit.append(
        ...calls.map((call): AuditEntry => ({
          kind: "model-call",
          at: stamp(),
          thread,
          stage,
          provider: drafterNow().provider,
          model: drafterNow().model,
          ...call,
          cost_usd: callCost(drafterNow().provider, drafterNow().model, call),
        })),
      );
    },
    onCanvasChanged: (thread, changes) =>
      audit.append(...changes.map((change): AuditEntry => ({ kind: "canvas-change", at: stamp(), thread, ...change }))),
    ...goalRecords(recording),
    onScheduled: (thread, due, values) =>
      metas
        .update(thread, (meta) => ({
          ...withoutError(meta),
          ...progressOf(spec, values, meta),
          state: "scheduled",
          pending: [],
          next_due: due,
        }))
        .then(() => undefined),
    onFinished: (thread, values) =>
      metas
        .update(thread, (meta) => ({
          ...withoutError(meta),
          ...progressOf(spec, values, meta),
          state: "done",
          pending: [],
          next_due: null,
        }))
        .then(() => undefined),
    onFailed: (thread, message) =>
      metas.update(thread, (meta) => ({ ...meta, state: "failed", error: message })).then(() => undefined),
  };
}

/** What a thread's learning did to the goal it serves, in the audit log. */
function goalRecords({ parts, stamp }: Recording): Pick<GraphEnvironment, "onGoalMeasured" | "onGoalCompleted"> {
  return {
    onGoalMeasured: (thread, measured) =>
      parts.audit.append(
        ...measured.map((entry): AuditEntry => ({ kind: "goal-measured", at: stamp(), thread, ...entry })),
      ),
    onGoalCompleted: (thread, completed) =>
      parts.audit.append({ kind: "goal-completed", at: stamp(), thread, ...completed }),
  };
}
