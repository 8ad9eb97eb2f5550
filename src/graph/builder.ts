import { Command, END, START, StateGraph, interrupt, type BaseCheckpointSaver } from "@langchain/langgraph";
import { join, relative } from "node:path";
import { gatePayload, editedValues, reviewOf, GateResponse, type GateArgs } from "../approvals/gates.js";
import type { Canvas } from "../canvas/canvas.js";
import type { StageDrafter, ModelUsage } from "../llm/provider.js";
import { actionTemplates, type SkillSet } from "../skills/loader.js";
import type { Review, StageContext } from "../stages/context.js";
import { draftStage } from "../stages/draft.js";
import type { ActionsOutput, PlannedAction, StageOutputs } from "../stages/schemas.js";
import { actionFileName, writeStageFiles, type LogEntry } from "../threads/stageFiles.js";
import { threadDir } from "../threads/store.js";
import type { Workspace } from "../workspace/workspace.js";
import type { GraphNode, GraphSpec } from "./spec.js";
import { ThreadStateSchema, type ThreadGraphState } from "./state.js";

export type ProgressEvent =
  | { kind: "stage-start"; thread: string; stage: string }
  | { kind: "stage-done"; thread: string; stage: string; files: string[]; attempts: number }
  | { kind: "gate"; thread: string; stage: string; required: boolean; detail: string }
  | { kind: "answered"; thread: string; stage: string; answer: string; action_id?: string };

export interface GraphEnvironment {
  workspace: Workspace;
  canvas: Canvas;
  skills: SkillSet;
  spec: GraphSpec;
  drafter: StageDrafter;
  /** Called after each stage file is written (meta.json bookkeeping). */
  onStageWritten?: (thread: string, stage: string, files: string[]) => Promise<void>;
  onModelUsage?: (thread: string, stage: string, usage: ModelUsage[]) => Promise<void>;
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
}

export const stageNodeName = (node: GraphNode): string => `stage_${node.skill.stage.stage}`;
export const gateNodeName = (node: GraphNode): string => `gate_${node.skill.stage.stage}`;

/** Builds a LangGraph StateGraph from a graph spec: a draft node per stage, and a gate node where the spec puts one. */
export function buildThreadGraph(env: GraphEnvironment, checkpointer: BaseCheckpointSaver) {
  const { spec, workspace, canvas, skills } = env;
  const templates = actionTemplates(skills);
  const now = (): Date => env.now?.() ?? new Date();
  const byStage = new Map(spec.nodes.map((node) => [node.skill.stage.stage, node]));
  const entryOf = (skillName: string | undefined): string => {
    if (!skillName) return END;
    return stageNodeName(spec.nodes.find((node) => node.skill.name === skillName)!);
  };

  const contextFor = (state: ThreadGraphState, node: GraphNode): StageContext => {
    const outputs: Partial<StageOutputs> = {};
    for (const [stage, output] of Object.entries(state.outputs)) {
      const producer = byStage.get(stage);
      if (producer) (outputs as Record<string, unknown>)[producer.skill.stage.output] = output;
    }
    const feedback = state.feedback[node.skill.stage.stage];
    return {
      thread: state.thread,
      type: state.type,
      today: state.today,
      event: state.event,
      canvas,
      workspaceRoot: workspace.root,
      skill: node.skill,
      outputs,
      reviews: state.reviews,
      actionTemplates: templates,
      skills,
      approvalThreshold: workspace.config.approval_threshold,
      ...(feedback ? { feedback } : {}),
    };
  };

  const gateView = (state: ThreadGraphState, node: GraphNode) => {
    const threshold = workspace.config.approval_threshold;
    const required = node.gate === "always" || (node.gate === "impact" && state.impact !== null && state.impact >= threshold);
    return { impact: state.impact, threshold, required };
  };

  const writeFiles = async (
    state: ThreadGraphState,
    node: GraphNode,
    output: unknown,
    extra: { review?: Review; log?: LogEntry[]; actionReviews?: Record<string, Review> } = {},
  ): Promise<string[]> => {
    const stage = node.skill.stage.stage;
    const files = await writeStageFiles({
      threadDir: threadDir(workspace.threadsDir, state.thread),
      context: contextFor(state, node),
      meta: {
        thread: state.thread,
        stage,
        title: (state.outputs.input as { title?: string } | undefined)?.title ?? state.thread,
        drafted_by: env.drafter.provider,
        model: env.drafter.model,
        drafted_at: now().toISOString(),
      },
      output,
      gate: gateView(state, node),
      ...(extra.review ? { review: extra.review } : {}),
      log: extra.log ?? state.action_log,
      actionReviews: extra.actionReviews ?? state.action_reviews,
    });
    await env.onStageWritten?.(state.thread, stage, files);
    return files;
  };

  const stageNode = (node: GraphNode) => async (state: ThreadGraphState) => {
    const stage = node.skill.stage.stage;
    env.onProgress?.({ kind: "stage-start", thread: state.thread, stage });
    const drafted = await draftStage(env.drafter, contextFor(state, node));
    await env.onModelUsage?.(state.thread, stage, drafted.usage);
    const output = drafted.output;
    const impact = "impact_score" in output ? output.impact_score : state.impact;
    const log: LogEntry[] =
      node.skill.stage.output === "actions"
        ? (output as ActionsOutput).actions.map((action) => ({
            at: now().toISOString(),
            action_id: action.id,
            event: action.human_required ? "planned; waits for a human" : "planned; queued for the AI executor",
          }))
        : [];
    const stateAfter = { ...state, impact, outputs: { ...state.outputs, [stage]: output }, action_log: [...state.action_log, ...log] };
    const files = await writeFiles(stateAfter, node, output);
    env.onProgress?.({ kind: "stage-done", thread: state.thread, stage, files, attempts: drafted.attempts });
    return { outputs: { [stage]: output }, feedback: { [stage]: null }, impact, action_log: log };
  };

  const draftPath = (state: ThreadGraphState, file: string): string =>
    relative(workspace.root, join(threadDir(workspace.threadsDir, state.thread), file));

  /** A gate on a whole stage (impact or always): accept, edit, respond (redraft) or reject. */
  const stageGate = (node: GraphNode) => async (state: ThreadGraphState) => {
    const stage = node.skill.stage.stage;
    const next = entryOf(node.next);
    const output = state.outputs[stage] as Record<string, unknown>;
    const view = gateView(state, node);
    if (!view.required) {
      const review: Review = {
        answer: "accept",
        by: "policy",
        at: now().toISOString(),
        reason: `impact ${view.impact ?? "unknown"} is below the approval threshold ${view.threshold}`,
      };
      await writeFiles(state, node, output, { review });
      env.onProgress?.({ kind: "gate", thread: state.thread, stage, required: false, detail: review.reason! });
      return new Command({ update: { reviews: { [stage]: review } }, goto: next });
    }
    const kind = node.skill.stage.output === "decision" ? "decision" : "stage";
    const args: GateArgs = {
      thread: state.thread,
      kind,
      node: gateNodeName(node),
      stage,
      question:
        kind === "decision"
          ? `Approve the decision "${String(output.statement ?? output.verdict ?? stage)}"? (impact ${view.impact} >= ${view.threshold})`
          : `Approve the ${stage} stage draft?`,
      impact: view.impact,
      draft: draftPath(state, node.skill.stage.file.endsWith("/") ? `${node.skill.stage.file}execution-log.md` : node.skill.stage.file),
      values: output,
      locked: [],
    };
    const implication = [...state.outputs ? Object.values(state.outputs) : []].find(
      (value): value is StageOutputs["implication"] => typeof value === "object" && value !== null && "factors" in value,
    );
    const factors = implication ? implication.factors.map((factor) => `- ${factor.name}: ${factor.score} (${factor.rationale})`).join("\n") : "";
    const description = `### ${args.question}\n\nDraft: \`${args.draft}\`\n\n${factors ? `Impact factors:\n${factors}\n` : ""}`;
    const raw = interrupt(gatePayload(args, { edit: true, respond: true }, description));
    const response = GateResponse.parse(raw);
    const review = reviewOf(response);
    env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer });
    if (response.type === "response") {
      return new Command({ update: { feedback: { [stage]: review.feedback ?? "" }, reviews: { [stage]: review } }, goto: stageNodeName(node) });
    }
    // Edits were validated against the stage's schema before the resume was sent.
    const finalOutput = response.type === "edit" ? { ...output, ...editedValues(response) } : output;
    await writeFiles({ ...state, outputs: { ...state.outputs, [stage]: finalOutput } }, node, finalOutput, { review });
    return new Command({ update: { outputs: { [stage]: finalOutput }, reviews: { [stage]: review } }, goto: next });
  };

  /** One human-required action at a time; loops on itself until none waits. */
  const actionsGate = (node: GraphNode) => async (state: ThreadGraphState) => {
    const stage = node.skill.stage.stage;
    const next = entryOf(node.next);
    const plan = state.outputs[stage] as ActionsOutput;
    const waiting = plan.actions.find((action) => action.human_required && action.status === "pending" && !state.action_reviews[action.id]);
    if (!waiting) return new Command({ goto: next });
    const file = `${node.skill.stage.file}${actionFileName(waiting, plan.actions)}`;
    const args: GateArgs = {
      thread: state.thread,
      kind: "action",
      node: gateNodeName(node),
      stage,
      question: `Approve action ${waiting.id} ${waiting.type}: "${waiting.title}" (owner ${waiting.owner}, due ${waiting.due})?`,
      impact: state.impact,
      action_id: waiting.id,
      draft: draftPath(state, file),
      values: { ...waiting },
      locked: ["id", "type", "owner", "human_required", "status"],
    };
    const description = `### ${args.question}\n\nThe template marks \`${waiting.type}\` as human-required, so it waits for a person whatever the impact score.`;
    const raw = interrupt(gatePayload(args, { edit: true, respond: false }, description));
    const response = GateResponse.parse(raw);
    const review = reviewOf(response);
    env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer, action_id: waiting.id });
    const edited = response.type === "edit" ? (editedValues(response) as Partial<PlannedAction>) : {};
    const updated: PlannedAction = {
      ...waiting,
      ...edited,
      status: review.answer === "reject" ? "archived" : "in_progress",
    };
    const actions = plan.actions.map((action) => (action.id === waiting.id ? updated : action));
    const entry: LogEntry = {
      at: review.at,
      action_id: waiting.id,
      event: review.answer === "reject" ? `rejected by ${review.by}: ${review.reason}` : `${review.answer === "edit" ? "edited and approved" : "approved"} by ${review.by}; ${waiting.owner === "human" ? "handed to its owner" : "cleared to run"}`,
    };
    const newPlan = { ...plan, actions };
    const actionReviews = { ...state.action_reviews, [waiting.id]: review };
    await writeFiles({ ...state, outputs: { ...state.outputs, [stage]: newPlan } }, node, newPlan, { log: [...state.action_log, entry], actionReviews });
    return new Command({ update: { outputs: { [stage]: newPlan }, action_reviews: { [waiting.id]: review }, action_log: [entry] }, goto: gateNodeName(node) });
  };

  const graph = new StateGraph(ThreadStateSchema);
  // LangGraph's builder types track node names as literals; this graph's names come from data.
  const builder = graph as unknown as {
    addNode: (name: string, fn: unknown, options?: { ends?: string[] }) => void;
    addEdge: (from: string, to: string) => void;
    compile: (options: { checkpointer: BaseCheckpointSaver }) => ReturnType<typeof graph.compile>;
  };
  for (const node of spec.nodes) {
    builder.addNode(stageNodeName(node), stageNode(node));
    const next = entryOf(node.next);
    if (node.gate === "actions") {
      builder.addNode(gateNodeName(node), actionsGate(node), { ends: [gateNodeName(node), next] });
      builder.addEdge(stageNodeName(node), gateNodeName(node));
    } else if (node.gate) {
      builder.addNode(gateNodeName(node), stageGate(node), { ends: [stageNodeName(node), next] });
      builder.addEdge(stageNodeName(node), gateNodeName(node));
    } else {
      builder.addEdge(stageNodeName(node), next);
    }
  }
  builder.addEdge(START, stageNodeName(spec.nodes[0]!));
  return builder.compile({ checkpointer });
}

export type ThreadGraph = ReturnType<typeof buildThreadGraph>;
