import { stagePolicy, type StageConfidence } from "../core/policy.js";
import { judgementsIn, standingOf, type Judgement } from "../core/autonomy.js";
import { canonicalType } from "../core/threadTypes.js";
import type { DraftConfidence } from "../core/stageSchemas.js";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { WorkspaceStore } from "../store/store.js";
import { join, relative } from "node:path";
import type { Canvas } from "../canvas/canvas.js";
import type { ModelUsage, StageDrafter } from "../stages/drafter.js";
import { actionTemplates, type SkillSet } from "../skills/loader.js";
import type { ActionTemplate, Review, StageContext } from "../stages/context.js";
import type { AnswerContext } from "../gates/check.js";
import type { GateKind } from "../core/gateKind.js";
import { schemaFor } from "../stages/validate.js";
import { writeStageFiles, type GateView, type LogEntry } from "../threads/stageFiles.js";
import { settleDecision } from "../stages/decisionRecord.js";
import { threadDir } from "../threads/store.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";
import type { Workspace } from "../workspace/workspace.js";
import { outputsBySchema, type GraphNode, type GraphSpec } from "./spec.js";
import { stageFileOf } from "./stageFile.js";
import type { ThreadGraphState } from "./state.js";
import type { CorrectionRecord } from "./correct.js";
import type { Reading } from "../core/reading.js";
import { recallLessons, type Lessons } from "../memory/recall.js";

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

/** The first node: names the thread and claims its folder. */
export const CLAIM_NODE = "claim_thread";
/** The last node before the end: records that the thread is complete. */
export const FINISH_NODE = "finish_thread";

export const stageNodeName = (node: GraphNode): string => `stage_${node.skill.stage.stage}`;
export const gateNodeName = (node: GraphNode, gate: GateKind): string =>
  node.gates.length === 1 ? `gate_${node.skill.stage.stage}` : `gate_${node.skill.stage.stage}_${gate}`;
/** The node a gate starts at: the action engine starts by running, the others by asking. */
export const gateEntryName = (node: GraphNode, gate: GateKind): string =>
  gate === "actions" ? `run_${node.skill.stage.stage}` : gateNodeName(node, gate);

/** Shared helpers for the stage and gate nodes of one graph. */
export class GraphKit {
  readonly templates: Map<string, ActionTemplate>;

  constructor(readonly env: GraphEnvironment) {
    this.templates = actionTemplates(env.skills);
  }

  now(): Date {
    return this.env.now?.() ?? new Date();
  }

  /** The node a gate or stage hands over to: the node's next gate, else the next stage, else the end. */
  after(node: GraphNode, gate?: GateKind): string {
    const index = gate === undefined ? -1 : node.gates.indexOf(gate);
    const nextGate = node.gates[index + 1];
    if (nextGate) return gateEntryName(node, nextGate);
    if (!node.next) return FINISH_NODE;
    return stageNodeName(this.env.spec.nodes.find((candidate) => candidate.skill.name === node.next)!);
  }

  /** What the workspace's memory holds for an event; a thread's own example never teaches it (`id`, its LangGraph id). */
  async lessonsFor(eventText: string, id?: string): Promise<Lessons> {
    return recallLessons(this.env.store.memory, eventText, id);
  }

  contextFor(state: ThreadGraphState, node: GraphNode): StageContext {
    const outputs = outputsBySchema(this.env.spec, state.outputs);
    const feedback = state.feedback[node.skill.stage.stage];
    return {
      thread: state.thread,
      type: state.type,
      today: state.today,
      event: state.event,
      canvas: this.env.canvas,
      workspaceRoot: this.env.workspace.root,
      skill: node.skill,
      outputs,
      reviews: state.reviews,
      actionTemplates: this.templates,
      skills: this.env.skills,
      threadTypes: this.env.workspace.threadTypes,
      approvalThreshold: this.env.workspace.config.approval_threshold,
      ...(feedback ? { feedback } : {}),
      ...(state.pins ? { pins: state.pins } : {}),
    };
  }

  /** Who answered and when, for a client that did not say: the run's configured user (`leanos_user`), and the clock. */
  answerDefaults(config?: { configurable?: Record<string, unknown> }): { by: string; at: string } {
    const user = config?.configurable?.["leanos_user"];
    return { by: typeof user === "string" && user.length > 0 ? user : "unknown", at: this.now().toISOString() };
  }

  /** What the gate rules need to check an answer on this thread. */
  answerContext(thread: string): AnswerContext {
    return {
      thread,
      workspaceRoot: this.env.workspace.root,
      stageSchema: (stage) => this.stageSchema(stage),
      canvas: this.env.canvas,
      threadTypes: this.env.workspace.threadTypes,
    };
  }

  /** A stage's output schema with this workspace's refinements (what an edit at its gate must pass). */
  stageSchema(stage: string) {
    const node = this.env.spec.nodes.find((candidate) => candidate.skill.stage.stage === stage)!;
    const context = {
      canvas: this.env.canvas,
      actionTemplates: this.templates,
      skill: node.skill,
      threadTypes: this.env.workspace.threadTypes,
    } as StageContext;
    return schemaFor(node.skill.stage.output, context);
  }

  /** Whether the node's gate waits for a person, and why (the workspace's policy, gates/policy.ts). */
  async gateView(state: ThreadGraphState, node: GraphNode): Promise<GateView> {
    const {
      approval_threshold: threshold,
      autonomy: mode,
      trust: bar,
      confidence_floor: floor,
    } = this.env.workspace.config;
    const impact = state.impact ?? null;
    const weighsTrust = node.gates.includes("impact") && mode === "earned";
    // Business under either of its names earns one trust (gates/autonomy.ts judgementsIn).
    const types = this.env.workspace.threadTypes;
    const trust = weighsTrust
      ? standingOf(
          canonicalType(types, state.type) ?? state.type,
          judgementsIn(types, (await this.env.judgements?.()) ?? []),
          bar,
        )
      : undefined;
    const verdict = stagePolicy({
      gates: node.gates,
      impact,
      threshold,
      mode,
      trust,
      confidence: this.confidenceUpTo(state, node),
      floor,
    });
    return {
      impact,
      threshold,
      required: verdict.required,
      reasons: verdict.reasons,
      reading: verdict.reading,
      mode,
      ...(trust ? { trust } : {}),
    };
  }

  /**
   * A decision's output with LeanOS's policy fields settled by the workspace's policy: its status from
   * its verdict, its impact score the one the gate weighs, its human flag whether the gate waits for a
   * person (gates/policy.ts is authoritative, whatever the drafter said). Other outputs as they are.
   */
  async stamped<T>(state: ThreadGraphState, node: GraphNode, output: T): Promise<T> {
    if (
      node.skill.stage.output !== "decision" ||
      typeof output !== "object" ||
      output === null ||
      !("verdict" in output)
    )
      return output;
    const view = await this.gateView(state, node);
    return settleDecision(output as T & { verdict: string }, { impact: view.impact, flagged: view.required });
  }

  /** What the drafter said of its sureness for each stage up to `node`, where it said anything. */
  confidenceUpTo(state: ThreadGraphState, node: GraphNode): StageConfidence[] {
    const upTo = this.env.spec.nodes.indexOf(node);
    return this.env.spec.nodes.slice(0, upTo + 1).flatMap((candidate) => {
      const stage = candidate.skill.stage.stage;
      const said = (state.outputs[stage] as { confidence?: DraftConfidence } | undefined)?.confidence;
      return said ? [{ stage, score: said.score, reasons: said.reasons }] : [];
    });
  }

  /** Writes a stage's files from the given state; the review shown is the stage's own unless one is given. */
  async writeFiles(
    state: ThreadGraphState,
    node: GraphNode,
    extra: { review?: Review; log?: LogEntry[]; usage?: ModelUsage[] } = {},
  ): Promise<string[]> {
    const stage = node.skill.stage.stage;
    const review = extra.review ?? state.reviews[stage];
    const files = await writeStageFiles({
      threadDir: threadDir(this.env.workspace.threadsDir, state.thread),
      context: this.contextFor(state, node),
      meta: {
        thread: state.thread,
        stage,
        title: (state.outputs.input as { title?: string } | undefined)?.title ?? state.thread,
        drafted_by: this.env.drafter.provider,
        model: this.env.drafter.model,
        drafted_at: this.now().toISOString(),
      },
      output: await this.stamped(state, node, state.outputs[stage]),
      gate: await this.gateView(state, node),
      ...(review ? { review } : {}),
      log: extra.log ?? state.action_log,
      actionReviews: state.action_reviews,
      opportunityReviews: state.opportunity_reviews,
      ...(state.reviews[`${stage}:canvas`] ? { canvasReview: state.reviews[`${stage}:canvas`] } : {}),
    });
    await this.env.onStageWritten?.(state.thread, stage, files, extra.usage);
    return files;
  }

  /** A path relative to the workspace, as shown to people. */
  draftPath(state: ThreadGraphState, file: string): string {
    return relative(this.env.workspace.root, join(threadDir(this.env.workspace.threadsDir, state.thread), file));
  }

  stageFile(node: GraphNode): string {
    return stageFileOf(node);
  }
}
