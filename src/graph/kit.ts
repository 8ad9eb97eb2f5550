import { describeSoftScore } from "../values/soft.js";
import { VALUES_FILE } from "../values/valuesFile.js";
import { decisionJudgement, decisionSoftScore, servedGoal } from "./goalsAndValues.js";
import { stagePolicy, type StageConfidence } from "../core/policy.js";
import { judgementsIn, standingOf } from "../core/autonomy.js";
import { canonicalType } from "../core/threadTypes.js";
import type { DraftConfidence } from "../core/stageSchemas.js";
import { getConfig } from "@langchain/langgraph";
import { join, relative } from "node:path";
import type { ModelUsage, StageDrafter } from "../stages/drafter.js";
import { actionTemplates } from "../skills/loader.js";
import type { ActionTemplate, Review, StageContext } from "../stages/context.js";
import type { AnswerContext } from "./environment.js";
import type { GateKind } from "../core/gateKind.js";
import { schemaFor } from "../stages/validate.js";
import { writeStageFiles, type GateView, type LogEntry } from "../threads/stageFiles.js";
import { settleDecision } from "../stages/decisionRecord.js";
import { threadDir } from "../threads/store.js";
import { outputsBySchema, type GraphNode } from "./spec.js";
import { stageFileOf } from "./stageFile.js";
import type { ThreadGraphState } from "./state.js";
import type { GraphEnvironment } from "./environment.js";
import { recallLessons, type Lessons } from "../memory/recall.js";

export type { CanvasChangeRecord, GateAnswered, GraphEnvironment, ProgressEvent } from "./environment.js";

/** The node a correction enters at, from any point of a thread (the graph's START routes to it). */
export const CORRECT_NODE = "correct_thread";
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

/**
 * What one run brings that the compiled graph does not hold: the drafter the thread drafts with
 * (invoke's `context.leanos`). So a graph is compiled once per workspace, and each run drafts with
 * the model of its own thread.
 */
export interface RunContext {
  drafter?: StageDrafter;
}

/** The run context of the run this code is part of, if it is inside one (LangGraph keeps the config per run). */
export function currentRun(): RunContext | undefined {
  try {
    return (getConfig()?.context as { leanos?: RunContext } | undefined)?.leanos;
  } catch {
    return undefined;
  }
}

/** Shared helpers for the stage and gate nodes of one graph. */
export class GraphKit {
  readonly templates: Map<string, ActionTemplate>;

  constructor(private readonly base: GraphEnvironment) {
    this.templates = actionTemplates(base.skills);
  }

  /** The graph's environment, with the drafter of the run it is read in. */
  get env(): GraphEnvironment {
    const drafter = currentRun()?.drafter;
    return drafter ? { ...this.base, drafter } : this.base;
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
      // Only a node whose graph entry uses the goals skill sees the goals (graphs/*.yaml `uses`).
      ...(this.env.goals && node.uses.includes("goals") ? { goals: this.env.goals } : {}),
      ...(this.env.values && node.uses.includes("values") ? { values: this.env.values } : {}),
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
      ...(this.env.values && node.uses.includes("values") ? { values: this.env.values } : {}),
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
    const weighsValues = node.gates.includes("impact") && node.uses.includes("values");
    const soft = weighsValues ? decisionSoftScore(this.env, state, this.now()) : undefined;
    const prose = weighsValues ? decisionJudgement(this.env, state, this.templates) : undefined;
    const verdict = stagePolicy({
      gates: node.gates,
      impact,
      threshold,
      mode,
      trust,
      confidence: this.confidenceUpTo(state, node),
      floor,
      goal: servedGoal(this.env, state),
      valuesReasons: [
        ...(soft?.breaches.map(
          (breach) =>
            `it breaks the soft constraint "${breach.constraint.text}" (${VALUES_FILE}:${breach.constraint.line}): ${breach.reason}`,
        ) ?? []),
        ...(prose?.waits ?? []),
      ],
    });
    return {
      impact,
      threshold,
      required: verdict.required,
      reasons: verdict.reasons,
      reading: verdict.reading,
      mode,
      ...(trust ? { trust } : {}),
      ...(soft ? { values: describeSoftScore(soft, VALUES_FILE) } : {}),
      ...(prose ? { judged: prose.shown } : {}),
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
