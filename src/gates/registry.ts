import { actionsGate } from "./actions.js";
import { canvasGate } from "./canvas.js";
import type { GateDefinition } from "./definition.js";
import type { GateKind } from "../core/gateKind.js";
import { opportunitiesGate } from "./opportunities.js";
import { stageGate } from "./stage.js";
import { correctNode } from "./correctNode.js";
import type { GateSet } from "../graph/gateSet.js";

/** Each gate kind a graph file may name, with its one definition. */
export const GATES: Record<GateKind, GateDefinition> = {
  impact: stageGate,
  always: stageGate,
  actions: actionsGate,
  canvas: canvasGate,
  opportunities: opportunitiesGate,
};

/** The gates a thread graph is built with (graph/builder.ts takes them from its caller). */
export const THREAD_GATES: GateSet = { kinds: GATES, correct: correctNode };
