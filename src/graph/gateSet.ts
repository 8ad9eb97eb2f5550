import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GateKind } from "../core/gateKind.js";
import type { AnswerContext } from "./environment.js";
import type { GraphKit } from "./kit.js";
export type { AnswerContext };
import type { GraphNode } from "./spec.js";
import type { ThreadGraphState } from "./state.js";

// What the graph is given of the gates (src/gates/ defines them; the runtime and the server pass them
// in): the nodes each gate kind adds after a stage, and the node that takes a correction. The graph
// knows how to wire nodes, never what a gate asks.

export type GateNodeFn = (state: ThreadGraphState, config?: LangGraphRunnableConfig) => Promise<unknown>;

export interface GateNode {
  name: string;
  fn: GateNodeFn;
  /** Where the node may go next. */
  ends: string[];
}

/** The nodes one gate kind adds after a stage. */
export interface GateNodes {
  nodes(kit: GraphKit, node: GraphNode, kind: GateKind): GateNode[];
}

export interface GateSet {
  kinds: Record<GateKind, GateNodes>;
  /** The node a run whose input is a correction enters at (CORRECT_NODE). */
  correct(kit: GraphKit): GateNodeFn;
}

/** A gate node's result with its refusal note cleared, once an answer was taken. */
export function clearingRefusal(name: string, fn: GateNodeFn): GateNodeFn {
  return async (state, config) => {
    const result = await fn(state, config);
    if (!state.refusals[name] || !(result instanceof Command)) return result;
    const update = (result.update ?? {}) as Record<string, unknown>;
    if ("refusals" in update) return result;
    return new Command({ update: { ...update, refusals: { [name]: null } }, goto: result.goto });
  };
}
