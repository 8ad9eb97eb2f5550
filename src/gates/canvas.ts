import { canvasFilesOf, checkCanvasValues, missingCanvasTargets, type CanvasValues } from "../canvas/update.js";
import { refuse } from "../core/refusal.js";
import { gateNodeName, type GraphKit } from "../graph/kit.js";
import type { GraphNode } from "../graph/spec.js";
import type { GateDefinition, GateNode } from "./definition.js";
import type { GateKind } from "../core/gateKind.js";
import { applyCanvasNode } from "./canvasApply.js";
import { askCanvasNode } from "./canvasAsk.js";
import type { CanvasSite } from "./canvasSite.js";

/** A canvas change is accepted only as values the canvas can hold, and only while what it changes is still there. */
export const canvasGate: GateDefinition = {
  nodes: (kit, node, kind) => canvasNodes(kit, node, kind),
  checkEdit: (payload, edits) => checkCanvasEdit(Object.keys(payload.action_request.args), edits),
  checkTaken: async (payload, edits, context) => {
    const gone = await missingCanvasTargets(
      context.workspaceRoot,
      { ...payload.action_request.args, ...edits } as CanvasValues,
      canvasFilesOf(context.canvas),
    );
    if (gone.length > 0)
      refuse(
        null,
        `the canvas changed since this was asked: ${gone.join("; ")}. Restore it, or reject the change; nothing was changed`,
      );
  },
};

/**
 * Refuses the first edited value the canvas cannot hold, at its key. checkCanvasValues words a
 * problem as "KEY: why"; asked one key at a time, the key is known and only the why is kept.
 */
function checkCanvasEdit(offered: string[], edits: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(edits)) {
    if (!offered.includes(key)) refuse(null, `"${key}" is not part of this canvas update`, offered);
    const problem = checkCanvasValues({ [key]: value } as CanvasValues, offered)[0];
    if (problem) refuse(key, problem.startsWith(`${key}: `) ? problem.slice(key.length + 2) : problem);
  }
}

/**
 * Canvas changes always wait for a human, whatever the impact: the gate shows the unified diff of the
 * canvas files. It is two nodes, so a crash can never leave the canvas changed and the answer lost:
 * the first asks and, on accept, plans the change on the files as they are then (another thread may
 * have changed them meanwhile) and saves the plan in the checkpoint (canvasAsk.ts); the second applies
 * the saved plan, commits when the workspace is a git repository, and records it (canvasApply.ts).
 * Rejecting leaves the canvas as it is.
 */
function canvasNodes(kit: GraphKit, node: GraphNode, gate: GateKind): GateNode[] {
  const stage = node.skill.stage.stage;
  const site: CanvasSite = {
    kit,
    node,
    gate,
    rules: canvasGate,
    stage,
    key: `${stage}:canvas`,
    ask: gateNodeName(node, gate),
    apply: `apply_${stage}_canvas`,
    root: kit.env.workspace.root,
    files: canvasFilesOf(kit.env.canvas),
    today: () => kit.now().toISOString().slice(0, 10),
  };
  return [
    { name: site.ask, fn: askCanvasNode(site), ends: [site.apply, site.ask, kit.after(node, gate)] },
    { name: site.apply, fn: applyCanvasNode(site), ends: [kit.after(node, gate)] },
  ];
}
