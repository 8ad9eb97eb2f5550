import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ZodType } from "zod";
import type { ThreadTypes } from "../core/threadTypes.js";
import type { Judgement } from "../core/autonomy.js";
import type { GateKind } from "../core/gateKind.js";
import type { CorrectionRecord, Reading } from "../core/reading.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";
import type { Canvas } from "../canvas/canvas.js";
import type { Goal } from "../goals/goals.js";
import type { Values } from "../values/valuesFile.js";
import type { SkillSet } from "../skills/loader.js";
import type { Review } from "../stages/context.js";
import type { ModelUsage, StageDrafter } from "../stages/drafter.js";
import type { WorkspaceStore } from "../store/store.js";
import type { Workspace } from "../workspace/workspace.js";
import type { GraphSpec } from "./spec.js";
import type { ThreadGraphState } from "./state.js";

// What the graph needs from the world, and what it tells it: the runtime (runtime/recorder.ts) and
// LangGraph's server (server/graph.ts) provide it.

export type ProgressEvent =
  | { kind: "stage-start"; thread: string; stage: string }
  | { kind: "stage-done"; thread: string; stage: string; files: string[]; attempts: number }
  | { kind: "gate"; thread: string; stage: string; required: boolean; detail: string }
  | { kind: "answered"; thread: string; stage: string; answer: string; item?: string }
  | { kind: "refused"; thread: string; stage: string; reason: string };

export interface GateAnswered {
  gate: GateKind;
  stage: string;
  review: Review;
  /** One line saying what was decided, for ops/today.md. */
  summary: string;
  action_id?: string;
  /** A person's judgement of a decision's reading (the trust its thread type earns), with the reading judged. */
  judged?: { type: string; judged: "agreed" | "corrected"; reading: Reading; final?: Reading };
}

export interface CanvasChangeRecord {
  file: string;
  assumption?: string;
  metric?: string;
  field: string;
  from: string;
  to: string;
  by: string;
  commit?: string;
}

/** What the graph needs from the world; the runtime provides it. */
export interface GraphEnvironment {
  workspace: Workspace;
  canvas: Canvas;
  /** The workspace's active goals: the input stage links an event to one (goals/link.ts). */
  goals?: readonly Goal[];
  /** The workspace's value function: its soft constraints score a decision (values/soft.ts). */
  values?: Values;
  skills: SkillSet;
  spec: GraphSpec;
  drafter: StageDrafter;
  /** Where slugs are claimed and the thread index is kept (the workspace's store). */
  store: Pick<WorkspaceStore, "claims" | "index" | "secrets" | "memory">;
  /** A stage's files are on disk; `usage` is the model calls that drafted them, counted in meta.json in the same write. */
  onStageWritten?: (thread: string, stage: string, files: string[], usage?: ModelUsage[]) => Promise<void>;
  /**
   * Model calls were made. They are audited at once, so a crash never loses what was spent; meta.json
   * counts them now, or, when `counted` is "with-stage-files", in the write that records their stage.
   */
  onModelUsage?: (
    thread: string,
    stage: string,
    usage: ModelUsage[],
    counted?: "now" | "with-stage-files",
  ) => Promise<void>;
  onGateAnswered?: (thread: string, answered: GateAnswered) => Promise<void>;
  onGateRefused?: (
    thread: string,
    refused: { gate: GateKind; node: string; answer: string; by: string; reason: string },
  ) => Promise<void>;
  onCanvasChanged?: (thread: string, changes: CanvasChangeRecord[]) => Promise<void>;
  /** The thread's learning measured values of the goal it serves; the goal file has them. */
  onGoalMeasured?: (
    thread: string,
    measured: ReadonlyArray<{ goal: string; metric: string; value: string; basis: string }>,
  ) => Promise<void>;
  /** The thread's learning met the last success criterion of the goal it serves: the goal moved to completed/. */
  onGoalCompleted?: (thread: string, completed: { goal: string; file: string }) => Promise<void>;
  /** A person corrected the thread's reading (correct.ts): recorded on the thread and as a judgement of its type. */
  onCorrected?: (thread: string, correction: CorrectionRecord, reading: Reading) => Promise<void>;
  /** How many threads clients (not the workspace itself) started at or after `since`. */
  startedByClientsSince?: (since: Date) => Promise<number>;
  /** Every person's judgement of a decision's reading so far, oldest first (the trust thread types earn). */
  judgements?: () => Promise<Judgement[]>;
  /** A thread was claimed: its folder and meta.json exist. */
  onThreadStarted?: (meta: ThreadMeta) => Promise<void>;
  /** The id of the question waiting at `node` on the thread, as recorded when it was asked. */
  askedId?: (thread: string, node: string) => Promise<string | undefined>;
  /** The thread waits for a person at this item. */
  onAsked?: (thread: string, item: PendingItem, values: ThreadGraphState) => Promise<void>;
  /** The thread's run ends until `due`, when a pass wakes it. */
  onScheduled?: (thread: string, due: string, values: ThreadGraphState) => Promise<void>;
  /** The thread reached the end of its graph. */
  onFinished?: (thread: string, values: ThreadGraphState) => Promise<void>;
  /** A node failed; the run stops and may be resumed from the last checkpoint. */
  onFailed?: (thread: string, message: string) => Promise<void>;
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
  /**
   * Who a run acts for, when the graph is served: the authenticated user, or a refusal. Set, every
   * node refuses a run without one, and a gate records its answer as theirs, whatever the answer says.
   */
  who?: (config: LangGraphRunnableConfig | undefined) => Promise<string>;
}

/** What an answer to a gate is checked against, whoever checks it (the gate node, or a client before it resumes). */
export interface AnswerContext {
  thread: string;
  workspaceRoot: string;
  /** The output schema of a stage, refined for the workspace. */
  stageSchema: (stage: string) => ZodType;
  /** The workspace's canvas, for a correction of the reading (the assumptions it may name). */
  canvas: Canvas;
  /** The workspace's thread types, for a correction of the type or a follow-up's type. */
  threadTypes: ThreadTypes;
}
