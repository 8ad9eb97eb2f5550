import { RuntimeFailure, UsageError } from "../errors.js";
import { describeFailure } from "../failure.js";
import type { RawEvent } from "../core/stageSchemas.js";
import { threadIdOf } from "../core/threadId.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import { claimThread, type ThreadStart } from "../graph/claim.js";
import type { StageDrafter } from "../stages/drafter.js";
import { hasWorkLeft, started, timerOf, gatesOf } from "./checkpointView.js";
import { namingWith } from "./naming.js";
import { startApprovedOpportunities } from "./opportunities.js";
import type { RuntimeParts } from "./parts.js";
import type { ThreadGraph } from "../graph/builder.js";
import { checkpointAt, nameNow, project } from "./projector.js";
import type { ThreadResult } from "./threadService.js";

// Running a thread's graph: starting it from an event, running on what a crash or a failure left,
// waking it when it is due. The caller of `run` holds the thread's lease; after each run the
// checkpoint's projection is written (projector.ts) and approved follow-ups are started.

/**
 * Claims a new thread under its id (before anything else is written, so an event refused here
 * changes nothing), then runs its graph holding its lease. A start cut short earlier under the same
 * id is taken up. A pass that finds the thread between the claim and the lease runs it itself; the
 * lease makes this run find that work done, so no stage runs twice.
 */
export async function startThread(parts: RuntimeParts, id: string, start: ThreadStart): Promise<ThreadResult> {
  const drafter = await parts.drafterFor();
  const naming = namingWith(drafter);
  // A start taken up again (an approved follow-up, under its name-based id) keeps the name it was
  // claimed under, which may be the offline rules' (naming.ts): read again, it could be another.
  const known = await parts.store.index.byId(id);
  const taken = known ? { ...start, type: known.type, title: known.title } : start;
  const { meta } = await claimThread(parts.environment(naming.drafter), id, taken, parts.now());
  const failure = naming.failure();
  if (failure) return parts.lockThread(id, () => keepUnread(parts, id, meta.thread, drafter, failure));
  return parts.lockThread(
    id,
    async () => (await proceed(parts, id, meta.thread, drafter, initialInput(meta))) ?? settled(parts, meta.thread),
  );
}

/**
 * A thread whose model could not read its event (naming.ts): claimed under the offline rules' name,
 * it is marked failed with the model's error, and nothing runs. The failure says how to go on
 * without typing the event again. A pass that took the thread up between the claim and the lease
 * has started it: then it goes on as any start does.
 */
async function keepUnread(
  parts: RuntimeParts,
  id: string,
  thread: string,
  drafter: StageDrafter,
  failure: RuntimeFailure,
): Promise<ThreadResult> {
  const meta = await parts.metas.read(thread);
  if (started(await checkpointAt(parts, id)))
    return (await proceed(parts, id, thread, drafter, initialInput(meta))) ?? settled(parts, thread);
  await parts.metas.update(thread, (current) => ({ ...current, state: "failed", error: failure.message }));
  throw new RuntimeFailure(
    `${failure.message}\nThe event is kept in ${thread} (named by the offline rules, since the model could not read it): leanos resume ${thread} drafts it with ${meta.provider}:${meta.model} once the model answers`,
    { cause: failure },
  );
}

/** The graph input that starts a thread, from its meta.json: what the claim found, so the graph's claim takes the folder up. */
export function initialInput(meta: ThreadMeta): ThreadStart & { event: RawEvent } {
  const { origin, file } = meta.event;
  const event: RawEvent = {
    text: meta.event.text,
    date: meta.event.date,
    source: meta.event.source,
    ...(file ? { file } : {}),
    ...(origin ? { origin } : {}),
  };
  return {
    event,
    type: meta.type,
    title: meta.title,
    ...(meta.origin ? { origin: meta.origin } : {}),
    ...(meta.pattern ? { pattern: meta.pattern } : {}),
  };
}

/** What a run is given: a start, an answer (a Command), a correction, nothing (run on), or {} (wake). */
export type RunInput = Parameters<ThreadGraph["invoke"]>[0];

/**
 * Runs the graph (the caller holds the thread's lease). meta.json says "running" first, so a crash
 * anywhere in the run leaves a thread whose readers read its checkpoint; the graph itself records
 * each stage, question, due date and the end as it reaches them.
 */
export async function run(
  parts: RuntimeParts,
  id: string,
  thread: string,
  drafter: StageDrafter,
  input: RunInput,
): Promise<ThreadResult> {
  if ((await parts.metas.read(thread)).state !== "running")
    await parts.metas.update(thread, (meta) => ({ ...meta, state: "running" }), { touch: false });
  try {
    // "sync": each step's checkpoint is saved before the next step starts, so a kill never
    // leaves a step's side effects ahead of the checkpoint by more than the step itself.
    await parts.graph.invoke(input, { ...parts.runConfig(id, drafter), durability: "sync" });
  } catch (error) {
    // Said as the command line would say it: a read-only mount, not a bare "ENOENT: mkdir".
    const message = describeFailure(error).message;
    thread = await nameNow(parts, id, thread);
    await parts.metas.update(thread, (meta) => ({ ...meta, state: "failed", error: message }));
    if (error instanceof UsageError) throw error;
    // Every step done so far is kept; the person is told how to go on from there.
    const failed = error instanceof RuntimeFailure ? message : `thread ${thread} failed: ${message}`;
    throw new RuntimeFailure(
      `${failed}\n${thread} keeps every step done so far: leanos resume ${thread} runs it on once that is mended`,
      { cause: error },
    );
  }
  return settled(parts, await nameNow(parts, id, thread));
}

/** The checkpoint's projection written, with the thread's approved follow-ups started. */
export async function settled(parts: RuntimeParts, thread: string): Promise<ThreadResult> {
  const projected = await project(parts, thread);
  const started = await startApprovedOpportunities(thread, {
    metas: parts.metas,
    audit: parts.audit,
    now: () => parts.now(),
    start: (id, event, type, origin) => startThread(parts, id, { event, type, origin }),
  });
  return { ...projected, started };
}

/**
 * Runs what a thread has left to run (the caller holds its lease): a start cut short before its
 * claim was checkpointed, a run cut short after, a failed stage. Undefined when nothing is left to
 * run: the thread waits for a person, for a due date, or is complete.
 */
export async function proceed(
  parts: RuntimeParts,
  id: string,
  thread: string,
  drafter: StageDrafter,
  input: ThreadStart & { event: RawEvent },
): Promise<ThreadResult | undefined> {
  const checkpoint = await checkpointAt(parts, id);
  if (!started(checkpoint)) return run(parts, id, thread, drafter, input);
  if (gatesOf(checkpoint).length > 0 || timerOf(checkpoint) || !hasWorkLeft(checkpoint)) return undefined;
  return run(parts, id, thread, drafter, null);
}

/**
 * Runs a scheduled thread's next step if it is due now, and finishes a run a crash cut short (a pass
 * does this). Undefined when nothing was due, so a second pass finds nothing to do; "busy" when
 * another process holds the thread.
 */
export function advance(parts: RuntimeParts, thread: string, id: string): Promise<ThreadResult | "busy" | undefined> {
  return parts.tryLockThread(id, async () => {
    const meta = await parts.metas.read(thread);
    if (meta.state === "failed") return undefined;
    const drafter = await parts.drafterFor(meta);
    const timer = timerOf(await checkpointAt(parts, id));
    if (timer) {
      if (timer.due > parts.stamp().slice(0, 10))
        return meta.next_due === timer.due ? undefined : settled(parts, thread);
      // Any input wakes a sleeping thread: the graph enters at the node that waits for the date.
      return run(parts, id, thread, drafter, {});
    }
    return (
      (await proceed(parts, id, thread, drafter, initialInput(meta))) ??
      (meta.state === "running" ? settled(parts, thread) : undefined)
    );
  });
}

/** Runs a thread on from its last checkpoint (the caller holds its lease); `ran` says whether anything ran. */
export async function runOn(parts: RuntimeParts, thread: string): Promise<ThreadResult & { ran: boolean }> {
  const current = await parts.metas.read(thread);
  const id = threadIdOf(current);
  const ran = await proceed(parts, id, thread, await parts.drafterFor(current), initialInput(current));
  return ran ? { ...ran, ran: true } : { ...(await settled(parts, thread)), ran: false };
}
