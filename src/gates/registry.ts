import { actionsGate } from "./actions.js";
import { canvasGate } from "./canvas.js";
import type { GateDefinition } from "./definition.js";
import type { GateKind } from "../core/gateKind.js";
import { opportunitiesGate } from "./opportunities.js";
import { stageGate } from "./stage.js";

/** Each gate kind a graph file may name, with its one definition. */
export const GATES: Record<GateKind, GateDefinition> = {
  impact: stageGate,
  always: stageGate,
  actions: actionsGate,
  canvas: canvasGate,
  opportunities: opportunitiesGate,
};
