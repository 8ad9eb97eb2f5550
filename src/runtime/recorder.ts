import type { GraphEnvironment } from "../graph/kit.js";
import { gateRecords } from "./gateRecords.js";
import { recordingOf, type RecorderParts } from "./recording.js";
import { runRecords } from "./runRecords.js";

// What a thread's run leaves besides its checkpoint, written from inside the graph as it runs: the
// stage files' record and the state in meta.json, and the audit log. So a run started by any
// LangGraph runtime (the CLI's, or LangGraph's own server) leaves the same files.

export { gateAsked, progressOf, sameQuestion, type RecorderParts } from "./recording.js";

/** The graph's environment with every record it keeps wired to meta.json and the audit log. */
export function recordingEnvironment(parts: RecorderParts): GraphEnvironment {
  const recording = recordingOf(parts);
  const env: GraphEnvironment = {
    workspace: parts.workspace,
    store: parts.store,
    canvas: parts.canvas,
    ...(parts.goals ? { goals: parts.goals } : {}),
    ...(parts.values ? { values: parts.values } : {}),
    skills: parts.skills,
    spec: parts.spec,
    drafter: parts.drafter,
    now: parts.now,
    ...(parts.onProgress ? { onProgress: parts.onProgress } : {}),
    ...runRecords(recording),
    ...gateRecords(recording, (thread, stage, usage) => env.onModelUsage!(thread, stage, usage)),
  };
  return env;
}
