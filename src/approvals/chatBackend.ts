import type { RemoteThreads } from "../remote/threads.js";
import type { Runtime } from "../runtime/engine.js";
import type { ChatBackend } from "./chat.js";

/** A chat session on the workspace's embedded runtime. */
export function runtimeChat(runtime: Runtime): ChatBackend {
  return {
    now: () => runtime.now(),
    maxEventBytes: runtime.workspace.config.max_event_kb * 1024,
    root: runtime.workspace.root,
    pending: () => runtime.pending(),
    editable: async (item) => (await runtime.pendingPayload(item.thread))?.action_request.args ?? {},
    startEvent: (event) => runtime.startEvent(event),
    stageOutputs: (thread) => runtime.stageOutputs(thread),
    drafter: () => runtime.defaultDrafter(),
    answer: (thread, response, expected) => runtime.answer(thread, response, expected),
    correct: (thread, fields, by) => runtime.correct(thread, fields, { by }),
    close: () => runtime.close(),
  };
}

/**
 * A chat session through a LangGraph server. Free text is read by command words only (the server's
 * model is not this process's), and drafts are shown when this machine has the served workspace.
 */
export function serverChat(remote: RemoteThreads, options: { root?: string; maxEventBytes: number }): ChatBackend {
  return {
    now: () => new Date(),
    maxEventBytes: options.maxEventBytes,
    root: options.root,
    pending: () => remote.pending(),
    editable: (item) => remote.editable(item.thread),
    startEvent: (event) => remote.startEvent(event),
    stageOutputs: (thread) => remote.stageOutputs(thread),
    drafter: async () => ({}),
    answer: (thread, response, expected) => remote.answer(thread, response, expected),
    correct: (thread, fields) => remote.correct(thread, fields),
    close: async () => undefined,
  };
}
