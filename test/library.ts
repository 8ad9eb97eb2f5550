import { resolve } from "node:path";
import { runPass, type PassSummary } from "../src/ops/pass.js";
import { passWorldOf } from "../src/ops/passWorld.js";
import { Runtime, type ThreadResult } from "../src/runtime/engine.js";
import type { ThreadType } from "../src/core/stageSchemas.js";
import { readEvent } from "../src/stages/readEvent.js";

// A workspace driven through the library in this process, the way the CLI's commands drive it (the
// same runtime calls, answers given by a named person, the offline drafter). The tests whose subject
// is not the command line set their state up with it: one process instead of one per step. What the
// CLI adds around these calls (its words, exit codes, the record of what `pending` showed) is
// specified by the tests that spawn it.

export interface LibraryOptions {
  /** The clock, as --now gives it (an ISO date or time); the real one without it. */
  now?: string;
  /** Who answers, as LEANOS_USER names them. */
  user?: string;
}

export interface Leanos {
  runtime: Runtime;
  /** `leanos event --file FILE` (relative to the workspace), or `leanos event TEXT` with its options. */
  event(
    given: { file: string } | { text: string },
    options?: { type?: ThreadType; date?: string; source?: string },
  ): Promise<ThreadResult>;
  /** `leanos approve THREAD` (`--edit JSON` with edits). */
  approve(thread: string, edits?: Record<string, unknown>): Promise<ThreadResult>;
  /** `leanos reject THREAD --reason REASON`. */
  reject(thread: string, reason?: string): Promise<ThreadResult>;
  /** `leanos respond THREAD FEEDBACK`. */
  respond(thread: string, feedback: string): Promise<ThreadResult>;
  /** `leanos correct THREAD --edit JSON --reason REASON`. */
  correct(thread: string, edits: Record<string, unknown>, reason?: string): ReturnType<Runtime["correct"]>;
}

/** Opens the workspace's runtime, lets `work` drive it, and always closes it (so other processes find it as a command leaves it). */
export async function withLeanos<T>(
  workspace: string,
  options: LibraryOptions,
  work: (leanos: Leanos) => Promise<T>,
): Promise<T> {
  const by = options.user ?? "bella";
  const clock = options.now === undefined ? undefined : new Date(options.now);
  const runtime = await Runtime.open({ workspace, provider: "offline", ...(clock ? { now: () => clock } : {}) });
  const leanos: Leanos = {
    runtime,
    async event(given, { type, date, source } = {}) {
      const event = await readEvent({
        ...("file" in given ? { file: resolve(workspace, given.file) } : given),
        ...(date !== undefined ? { date } : {}),
        ...(source !== undefined ? { source } : {}),
        workspaceRoot: workspace,
        // As the CLI reads it: dated today (the real day) unless the event says otherwise.
        today: new Date().toISOString().slice(0, 10),
      });
      return runtime.startEvent(event, type);
    },
    approve: (thread, edits) =>
      runtime.answer(
        thread,
        edits ? { type: "edit", args: { action: "edit", args: edits }, by } : { type: "accept", args: null, by },
      ),
    reject: (thread, reason) => runtime.answer(thread, { type: "ignore", args: reason ?? "no reason given", by }),
    respond: (thread, feedback) => runtime.answer(thread, { type: "response", args: feedback, by }),
    correct: (thread, edits, reason) => runtime.correct(thread, edits, { by, ...(reason ? { reason } : {}) }),
  };
  try {
    return await work(leanos);
  } finally {
    await runtime.close();
  }
}

/** `leanos pass --now NOW`: one pass of the workspace, as if it were `now`. */
export async function passInProcess(workspace: string, now: string): Promise<PassSummary> {
  return withLeanos(workspace, { now }, ({ runtime }) => runPass(passWorldOf(runtime)));
}
