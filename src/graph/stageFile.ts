import type { GraphNode } from "./spec.js";

// The file a stage writes in its thread's folder: its own file, or the execution log of a stage that
// writes a folder (actions). Apart from spec.ts so the readers of threads need nothing else of it.

export function stageFileOf(node: Pick<GraphNode, "skill">): string {
  const file = node.skill.stage.file;
  return file.endsWith("/") ? `${file}execution-log.md` : file;
}
