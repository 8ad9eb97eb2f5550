import { START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { draftStage } from "../stages/draft.js";
import type { ActionsOutput } from "../stages/schemas.js";
import type { LogEntry } from "../threads/stageFiles.js";
import { clearingRefusal } from "../gates/definition.js";
import { GATES } from "../gates/registry.js";
import { GraphKit, gateEntryName, stageNodeName, type GraphEnvironment } from "./kit.js";
import type { GraphNode } from "./spec.js";
import { ThreadStateSchema, type ThreadGraphState } from "./state.js";

export { gateNodeName, stageNodeName, type GraphEnvironment, type ProgressEvent } from "./kit.js";

/** The stage node: draft (model calls happen here, never in a gate), validate, write the files. */
function stageNode(kit: GraphKit, node: GraphNode) {
  return async (state: ThreadGraphState) => {
    const stage = node.skill.stage.stage;
    kit.env.onProgress?.({ kind: "stage-start", thread: state.thread, stage });
    const drafted = await draftStage(kit.env.drafter, kit.contextFor(state, node));
    await kit.env.onModelUsage?.(state.thread, stage, drafted.usage);
    const output = drafted.output;
    const impact = "impact_score" in output ? output.impact_score : state.impact;
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
      { log: [...state.action_log, ...log] },
    );
    kit.env.onProgress?.({ kind: "stage-done", thread: state.thread, stage, files, attempts: drafted.attempts });
    return { outputs: { [stage]: output }, feedback: { [stage]: null }, impact, action_log: log };
  };
}

/** Builds a LangGraph StateGraph from a graph spec: a draft node per stage, then its gate nodes in order. */
export function buildThreadGraph(env: GraphEnvironment, checkpointer: BaseCheckpointSaver) {
  const kit = new GraphKit(env);
  const graph = new StateGraph(ThreadStateSchema);
  // LangGraph's builder types track node names as literals; this graph's names come from data.
  const builder = graph as unknown as {
    addNode: (name: string, fn: unknown, options?: { ends?: string[] }) => void;
    addEdge: (from: string, to: string) => void;
    compile: (options: { checkpointer: BaseCheckpointSaver }) => ReturnType<typeof graph.compile>;
  };
  for (const node of env.spec.nodes) {
    builder.addNode(stageNodeName(node), stageNode(kit, node));
    const first = node.gates[0];
    builder.addEdge(stageNodeName(node), first ? gateEntryName(node, first) : kit.after(node));
    for (const gate of node.gates) {
      for (const gateNode of GATES[gate].nodes(kit, node, gate)) {
        builder.addNode(gateNode.name, clearingRefusal(gateNode.name, gateNode.fn), { ends: [...new Set(gateNode.ends)] });
      }
    }
  }
  builder.addEdge(START, stageNodeName(env.spec.nodes[0]!));
  return builder.compile({ checkpointer });
}

export type ThreadGraph = ReturnType<typeof buildThreadGraph>;
