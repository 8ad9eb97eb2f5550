import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AuditEntry, AuditEntryOf, AuditLog } from "../audit/log.js";
import type { CorrectionRecord } from "../graph/correct.js";
import { canonicalJson } from "../graph/seal.js";
import { rememberExample, type Example } from "../memory/examples.js";
import type { Canvas } from "../canvas/canvas.js";
import type { GraphEnvironment, ProgressEvent } from "../graph/kit.js";
import type { GraphSpec } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { callCost } from "../llm/cost.js";
import type { ModelUsage, StageDrafter } from "../stages/drafter.js";
import type { SkillSet } from "../skills/loader.js";
import { threadIdOf, type PendingItem, type ThreadMeta } from "../core/threadMeta.js";
import type { WorkspaceStore } from "../store/store.js";
import { MetaStore } from "../threads/metaStore.js";
import type { Workspace } from "../workspace/workspace.js";
import { currentAction, opportunitiesOf, validatedBy } from "./checkpointView.js";
import { proposeRuleAfter } from "./ruleProposal.js";

// What a thread's run leaves besides its checkpoint, written from inside the graph as it runs: the
// stage files' record and the state in meta.json, and the audit log. So a run started by any
// LangGraph runtime (the CLI's, or LangGraph's own server) leaves the same files.

export interface RecorderParts {
  workspace: Workspace;
  store: Pick<WorkspaceStore, "claims" | "index" | "secrets" | "memory">;
  canvas: Canvas;
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
): Pick<ThreadMeta, "impact" | "opportunities" | "current_action" | "validated"> {
  return {
    impact: values.impact ?? null,
    opportunities: opportunitiesOf(spec, values, meta.opportunities),
    current_action: currentAction(spec, values),
    validated: validatedBy(spec, values),
  };
}

/** A thread's model usage with more calls added. */
function withUsage(usage: ThreadMeta["usage"], calls: readonly ModelUsage[]): ThreadMeta["usage"] {
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

/** The same correction, whenever it was stamped (a correction node run again after a kill stamps it anew). */
function sameCorrection(
  recorded: ThreadMeta["corrections"][number] | undefined,
  correction: CorrectionRecord,
): boolean {
  const { at: _a, ...given } = correction;
  if (!recorded) return false;
  const { at: _b, ...kept } = recorded;
  return canonicalJson(kept) === canonicalJson(given);
}

const sameJudgement = (a: AuditEntryOf<"reading-judged">, b: AuditEntryOf<"reading-judged">): boolean =>
  canonicalJson({ ...a, at: "" }) === canonicalJson({ ...b, at: "" });

/** The graph's environment with every record it keeps wired to meta.json and the audit log. */
export function recordingEnvironment(parts: RecorderParts): GraphEnvironment {
  const { audit, drafter, spec } = parts;
  const metas = new MetaStore(parts.workspace, parts.store.index, parts.now);
  const stamp = () => parts.now().toISOString();
  const withoutError = ({ error: _cleared, ...meta }: ThreadMeta): ThreadMeta => meta;
  /** Keeps the thread's example in the workspace's memory (memory/examples.ts), under its LangGraph id. */
  const remember = async (
    thread: string,
    judged: Pick<Example, "read" | "final" | "judged" | "by" | "at" | "reason">,
  ): Promise<void> => {
    const meta = await metas.read(thread);
    await rememberExample(parts.store.memory, threadIdOf(meta), {
      kind: "example",
      thread,
      event: meta.event.text,
      ...judged,
    });
  };
  const env: GraphEnvironment = {
    workspace: parts.workspace,
    store: parts.store,
    canvas: parts.canvas,
    skills: parts.skills,
    spec,
    drafter,
    now: parts.now,
    ...(parts.onProgress ? { onProgress: parts.onProgress } : {}),
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
          provider: drafter.provider,
          model: drafter.model,
          ...call,
          cost_usd: callCost(drafter.provider, drafter.model, call),
        })),
      );
    },
    askedId: async (thread, node) => (await metas.read(thread)).pending.find((item) => item.node === node)?.id,
    onAsked: async (thread, item, values) => {
      let asked = false;
      await metas.update(thread, (meta) => {
        asked = !meta.pending.some((known) => sameQuestion(known, item));
        return {
          ...withoutError(meta),
          ...progressOf(spec, values, meta),
          state: "waiting",
          pending: [item],
          next_due: null,
        };
      });
      if (asked) await audit.append(gateAsked(thread, item, stamp()));
    },
    judgements: async () =>
      (await audit.readKind("reading-judged")).map((entry) => ({
        type: entry.type,
        judged: entry.judged,
        at: entry.at,
      })),
    onCorrected: async (thread, correction, reading) => {
      const dir = metas.dirOf(thread);
      const entry: AuditEntryOf<"reading-judged"> = {
        kind: "reading-judged",
        at: correction.at,
        thread,
        type: correction.read_as,
        judged: "corrected",
        answer: correction.via === "gate" ? "edit" : "correct",
        by: correction.by,
        fields: Object.keys(correction.fields),
        ...(correction.reason ? { reason: correction.reason } : {}),
        ...(correction.after_acting ? { after_acting: true } : {}),
      };
      // The node that records it runs again after a kill: what it recorded before is not recorded twice.
      if (sameCorrection((await metas.read(thread)).corrections.at(-1), correction)) return;
      const judged = (await audit.readKind("reading-judged")).filter((logged) => logged.thread === thread).at(-1);
      if (!judged || !sameJudgement(judged, entry)) await audit.append(entry);
      await remember(thread, {
        read: reading,
        final: { ...reading, ...correction.fields },
        judged: "corrected",
        by: correction.by,
        at: correction.at,
        ...(correction.reason ? { reason: correction.reason } : {}),
      });
      const meta = await metas.read(thread);
      await proposeRuleAfter(
        {
          store: parts.store,
          drafter,
          canvas: parts.canvas,
          threadTypes: parts.workspace.threadTypes,
          audit,
          at: correction.at,
          onUsage: (usage) => env.onModelUsage!(thread, "rule", usage),
        },
        { thread, example: threadIdOf(meta), event: meta.event.text, fields: correction.fields, read: reading },
      );
      await metas.update(thread, (meta) => ({
        ...meta,
        corrections: [...meta.corrections, correction],
        // The drafts a redraft removed (the plan that followed the old decision) are gone from its files.
        files: meta.files.filter((file) => existsSync(join(dir, file))),
      }));
    },
    onGateAnswered: async (thread, answered) => {
      await metas.update(thread, (meta) => ({ ...meta, state: "running", pending: [] }));
      const judged: AuditEntry[] = answered.judged
        ? [
            {
              kind: "reading-judged",
              at: answered.review.at,
              thread,
              type: answered.judged.type,
              judged: answered.judged.judged,
              answer: answered.review.answer,
              by: answered.review.by,
            },
          ]
        : [];
      // A reading a person gave or agreed with is an example of how this company's events read.
      if (answered.judged?.final)
        await remember(thread, {
          read: answered.judged.reading,
          final: answered.judged.final,
          judged: answered.judged.judged,
          by: answered.review.by,
          at: answered.review.at,
        });
      await audit.append(...judged, {
        kind: "gate-answered",
        at: answered.review.at,
        thread,
        gate: answered.gate,
        stage: answered.stage,
        answer: answered.review.answer,
        by: answered.review.by,
        summary: answered.summary,
        ...(answered.review.reason ? { reason: answered.review.reason } : {}),
        ...(answered.action_id ? { action_id: answered.action_id } : {}),
      });
    },
    onGateRefused: (thread, refused) => audit.append({ kind: "gate-refused", at: stamp(), thread, ...refused }),
    onCanvasChanged: (thread, changes) =>
      audit.append(...changes.map((change): AuditEntry => ({ kind: "canvas-change", at: stamp(), thread, ...change }))),
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
  return env;
}
