import { END, START, StateGraph, type BaseCheckpointSaver, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { claimNode, finishNode, runThreadId } from "./claim.js";
import { draftStage } from "../stages/draft.js";
import type { ActionsOutput } from "../core/stageSchemas.js";
import type { LogEntry } from "../threads/stageFiles.js";
import { clearingRefusal, type GateSet } from "./gateSet.js";
import {
  CLAIM_NODE,
  CORRECT_NODE,
  FINISH_NODE,
  GraphKit,
  gateEntryName,
  stageNodeName,
  type GraphEnvironment,
} from "./kit.js";
import type { GraphNode } from "./spec.js";
import type { FollowingCalls } from "../stages/drafter.js";
import { ThreadStateSchema, type ThreadGraphState } from "./state.js";
import { guardedNode } from "./trust.js";
import { verifiedGoalLink } from "../goals/link.js";
import { recordGoalProgress } from "./goalProgress.js";

export { gateNodeName, stageNodeName, type GraphEnvironment, type ProgressEvent } from "./kit.js";

/** The stage node: draft (model calls happen here, never in a gate), validate, write the files. */
function stageNode(kit: GraphKit, node: GraphNode) {
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const stage = node.skill.stage.stage;
    kit.env.onProgress?.({ kind: "stage-start", thread: state.thread, stage });
    const lessons = await kit.lessonsFor(state.event.text, runThreadId(config));
    const drafted = await draftStage(
      kit.env.drafter,
      { ...kit.contextFor(state, node), lessons },
      followingCalls(node),
    );
    await kit.env.onModelUsage?.(state.thread, stage, drafted.usage, "with-stage-files");
    // A goal link is kept only to an active goal of the workspace, whoever drafted it.
    if (node.skill.stage.output === "input" && "goal" in drafted.output)
      drafted.output = {
        ...drafted.output,
        goal: verifiedGoalLink(drafted.output.goal, node.uses.includes("goals") ? (kit.env.goals ?? []) : []),
      };
    // The impact the gates weigh is the implication's (a decision repeats it as LeanOS's impact_score).
    const impact =
      node.skill.stage.output === "implication" && "impact_score" in drafted.output
        ? drafted.output.impact_score
        : state.impact;
    const output = await kit.stamped(
      { ...state, impact, outputs: { ...state.outputs, [stage]: drafted.output } },
      node,
      drafted.output,
    );
    const log: LogEntry[] =
      node.skill.stage.output === "actions"
        ? (output as ActionsOutput).actions.map((action) => ({
            at: kit.now().toISOString(),
            action_id: action.id,
            event: action.human_required ? "planned; waits for a human" : "planned; queued for the AI executor",
          }))
        : [];
    const files = await kit.writeFiles(
      { ...state, impact, outputs: { ...state.outputs, [stage]: output }, action_log: [...state.action_log, ...log] },
      node,
      { log: [...state.action_log, ...log], usage: drafted.usage },
    );
    if (node.skill.stage.output === "learning" && node.uses.includes("goals")) await recordGoalProgress(kit, state);
    kit.env.onProgress?.({ kind: "stage-done", thread: state.thread, stage, files, attempts: drafted.attempts });
    return { outputs: { [stage]: output }, feedback: { [stage]: null }, impact, action_log: log };
  };
}

/**
 * Whether the thread's next model call comes in this same run: the next stage of a node with no gate,
 * or the documents the actions gate prepares from the plan before it asks. A gate that may ask a
 * person ends the run, and its next call may come days later.
 */
function followingCalls(node: GraphNode): FollowingCalls {
  if (node.skill.stage.output === "actions") return "thread";
  return node.gates.length === 0 && node.next ? "thread" : "none";
}

type NodeFn = (state: ThreadGraphState, config?: LangGraphRunnableConfig) => Promise<unknown>;

/**
 * Builds a LangGraph StateGraph from a graph spec: a node that claims the thread, a draft node per
 * stage with its gate nodes in order, and a node that records the end. A run enters at the claim
 * (a new thread) or, for a thread asleep until a due date, at the node that waits for it; a run
 * given input on any other thread finds nothing to do.
 */
export function buildThreadGraph(env: GraphEnvironment, gates: GateSet, checkpointer?: BaseCheckpointSaver) {
  const kit = new GraphKit(env);
  const graph = new StateGraph(ThreadStateSchema);
  // LangGraph's builder types track node names as literals; this graph's names come from data.
  const builder = graph as unknown as {
    addNode: (name: string, fn: unknown, options?: { ends?: string[] }) => void;
    addEdge: (from: string, to: string) => void;
    addConditionalEdges: (from: string, route: (state: ThreadGraphState) => string, ends: string[]) => void;
    compile: (options: { checkpointer?: BaseCheckpointSaver }) => ReturnType<typeof graph.compile>;
  };
  // Every node is guarded (trust.ts): verified on entry, held to its thread's places, sealed on exit,
  // its failure recorded in meta.json before the run stops (the checkpoint keeps what came before).
  // `next` is where a node that returns a plain update goes: its one static edge.
  const add = (name: string, fn: NodeFn, ends?: string[], next?: string) =>
    builder.addNode(name, guardedNode(kit, name, fn, next), ends ? { ends: [...new Set(ends)] } : undefined);
  const waits: string[] = [];
  const names: string[] = [];
  const named = (name: string): string => (names.push(name), name);
  add(CLAIM_NODE, claimNode(kit), [stageNodeName(env.spec.nodes[0]!)]);
  for (const node of env.spec.nodes) {
    const first = node.gates[0];
    const next = first ? gateEntryName(node, first) : kit.after(node);
    add(named(stageNodeName(node)), stageNode(kit, node), undefined, next);
    builder.addEdge(stageNodeName(node), next);
    for (const gate of node.gates) {
      for (const gateNode of gates.kinds[gate].nodes(kit, node, gate)) {
        add(named(gateNode.name), clearingRefusal(gateNode.name, gateNode.fn), gateNode.ends);
        if (gateNode.ends.includes(END)) waits.push(gateNode.name);
      }
    }
  }
  add(named(FINISH_NODE), finishNode(kit), undefined, END);
  builder.addEdge(FINISH_NODE, END);
  // A correction may send the thread back to any node: the stage it redrafts from, or where it was.
  add(CORRECT_NODE, gates.correct(kit), [...names, END]);
  builder.addConditionalEdges(
    START,
    (state) => (state.thread === undefined ? CLAIM_NODE : state.correction ? CORRECT_NODE : (state.timer?.node ?? END)),
    [CLAIM_NODE, CORRECT_NODE, ...waits, END],
  );
  return builder.compile(checkpointer ? { checkpointer } : {});
}

export type ThreadGraph = ReturnType<typeof buildThreadGraph>;
