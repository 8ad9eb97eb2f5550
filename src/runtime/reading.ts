import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { readText } from "../files/readText.js";
import { gateLabel } from "../core/gateKind.js";
import type { GraphSpec } from "../graph/spec.js";
import { stageFileOf } from "../graph/stageFile.js";
import type { ThreadMeta } from "../core/threadMeta.js";

// Reading a thread for people: what its stage files hold, and what it does next.

/** A thread's stage outputs as its files record them, by schema name (input, hypothesis...). */
export async function stageOutputsOf(
  root: string,
  dir: string,
  spec: GraphSpec,
): Promise<Partial<Record<string, unknown>>> {
  const outputs: Partial<Record<string, unknown>> = {};
  for (const node of spec.nodes) {
    const path = join(dir, stageFileOf(node));
    if (!existsSync(path)) continue;
    const { parseFrontMatter } = await import("../files/frontMatter.js");
    outputs[node.skill.stage.output] = parseFrontMatter(relative(root, path), await readText(root, path)).data.output;
  }
  return outputs;
}

/** The next step of a thread that is complete. */
export const COMPLETE = "nothing: the thread is complete";

/** What a thread does next, for status output. */
export function nextStepOf(meta: ThreadMeta): string {
  if (meta.state === "done") return COMPLETE;
  if (meta.state === "waiting")
    return meta.pending.map((item) => `${gateLabel(item)} gate: ${item.question}`).join("; ") || "a human answer";
  if (meta.state === "failed") return `leanos resume ${meta.thread} (failed: ${meta.error ?? "unknown error"})`;
  if (meta.state === "scheduled")
    return `${meta.current_action ? `${meta.current_action.id} ${meta.current_action.type}` : "the next step"} is due ${meta.next_due} (a pass runs it)`;
  return `leanos resume ${meta.thread} (interrupted after ${meta.stage ?? "its start"})`;
}
