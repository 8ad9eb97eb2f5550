import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { Command } from "@langchain/langgraph";
import { AuditLog } from "../audit/log.js";
import type { Canvas } from "../canvas/canvas.js";
import { RuntimeFailure, UsageError } from "../errors.js";
import { describeFailure } from "../failure.js";
import type { GatePayload, GivenAnswer } from "../gates/wire.js";
import { buildThreadGraph, type ThreadGraph } from "../graph/builder.js";
import { claimThread, type ThreadStart } from "../graph/claim.js";
import { GraphKit, type ProgressEvent } from "../graph/kit.js";
import type { GraphSpec } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import type { StageDrafter } from "../stages/drafter.js";
import { selectDrafter } from "../llm/select.js";
import type { SkillSet } from "../skills/loader.js";
import type { RawEvent } from "../stages/context.js";
import type { ThreadType } from "../core/stageSchemas.js";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { indexRowOf, rowDifferences, type IndexRow } from "../store/indexRow.js";
import { holdingLease } from "../store/leases.js";
import { openStore } from "../store/open.js";
import type { WorkspaceStore } from "../store/store.js";
import { threadIdOf, type PendingItem, type ThreadMeta } from "../core/threadMeta.js";
import { diskLookup, indexLookup, resolveThreadName, threadDir, UnknownThread } from "../threads/store.js";
import type { Workspace } from "../workspace/workspace.js";
import { checkedPayload } from "./answering.js";
import {
  gatesOf,
  hasWorkLeft,
  pendingOf,
  payloadsOf,
  started,
  timerOf,
  type CheckpointState,
} from "./checkpointView.js";
import { openForWork } from "./open.js";
import { startApprovedOpportunities } from "./opportunities.js";
import { nextStepOf, stageOutputsOf } from "./reading.js";
import { MetaStore } from "../threads/metaStore.js";
import { gateAsked, progressOf, recordingEnvironment, sameQuestion } from "./recorder.js";
import { buildIndexIfNew } from "./reindex.js";
import { namingWith } from "./naming.js";
import { proposalFrom } from "../memory/proposals.js";
import { pendingItems } from "./acrossThreads.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkCorrection, checkReason } from "../gates/correction.js";
import { readingOf, type ReadingFields } from "../core/reading.js";
import { hasActed } from "../graph/correct.js";
import { outputsBySchema } from "../graph/spec.js";
import { checkRetype, whereThreadIs } from "../threads/retype.js";

export interface RuntimeOptions {
  workspace?: string;
  provider?: string;
  model?: string;
  /** A drafter made by the caller (an eval's recording or replay) instead of one chosen by provider. */
  drafter?: StageDrafter;
  onProgress?: (event: ProgressEvent) => void;
  /** The clock; tests and `--now` fix it. */
  now?: () => Date;
  /**
   * For a command that changes nothing unless there is something to do (status, usage, resume,
   * reindex --check): a workspace that cannot be written is opened for reading instead of refused,
   * and whatever would have to be written is refused when it comes to it.
   */
  reading?: boolean;
}

export interface ThreadResult {
  thread: string;
  state: ThreadMeta["state"];
  pending: PendingItem[];
  dir: string;
  files: string[];
  /** Threads started from opportunities approved in this run. */
  started: ThreadResult[];
}

/** Graphs built only to read a thread's checkpoint draft nothing. */
const READER: StageDrafter = {
  provider: "none",
  model: "none",
  classify: () => Promise.reject(new Error("a graph opened to read state drafts nothing")),
  draft: () => Promise.reject(new Error("a graph opened to read state drafts nothing")),
};

/**
 * The embedded LangGraph runtime of one workspace: it runs the thread graph on the checkpoints of
 * its store (SQLite or PostgreSQL), one process per thread at a time (a lease), and reads threads
 * for people. The graph itself claims threads and keeps meta.json and the audit log (see recorder.ts); this runs it,
 * repairs meta.json from the checkpoint after a crash, and starts approved follow-ups.
 */
export class Runtime {
  readonly audit: AuditLog;
  readonly metas: MetaStore;
  private readonly checkpointer: BaseCheckpointSaver;

  private constructor(
    readonly workspace: Workspace,
    readonly canvas: Canvas,
    readonly skills: SkillSet,
    readonly spec: GraphSpec,
    /** Checkpoints, the thread index, leases and slug claims: SQLite or PostgreSQL (store/open.ts). */
    readonly store: WorkspaceStore,
    private readonly options: RuntimeOptions,
  ) {
    this.audit = new AuditLog(workspace.root, workspace.auditPath);
    this.metas = new MetaStore(workspace, store.index, () => this.now());
    this.checkpointer = store.checkpointer;
  }

  static async open(options: RuntimeOptions = {}): Promise<Runtime> {
    const { workspace, canvas, skills, spec } = await openForWork(options.workspace);
    const store = await openStore(workspace, undefined, { reading: options.reading === true });
    try {
      // A workspace made before the index (or copied without its store) gets its rows once.
      await buildIndexIfNew(workspace, store.index);
    } catch (error) {
      await store.close();
      throw error;
    }
    return new Runtime(workspace, canvas, skills, spec, store, options);
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** The graph's environment: this workspace, the drafter, and every record wired to meta.json and the audit log. */
  private environment(drafter: StageDrafter) {
    const { workspace, canvas, skills, spec, audit } = this;
    const onProgress = this.options.onProgress;
    return recordingEnvironment({
      workspace,
      store: this.store,
      canvas,
      skills,
      spec,
      drafter,
      audit,
      now: () => this.now(),
      ...(onProgress ? { onProgress } : {}),
    });
  }

  private graphFor(drafter: StageDrafter): ThreadGraph {
    return buildThreadGraph(this.environment(drafter), this.checkpointer);
  }

  /** The thread graph on this workspace's checkpoints, drafting with the workspace's model: what any LangGraph client runs. */
  async graph(): Promise<ThreadGraph> {
    return this.graphFor(await this.drafterFor());
  }

  /** Runs `work` holding the thread's lease (by its LangGraph id): one process at a time runs a thread. */
  private lockThread<T>(id: string, work: () => Promise<T>): Promise<T> {
    return holdingLease(this.store.leases, `thread:${id}`, work);
  }

  /** Like lockThread, but a thread busy in another process is skipped: the result is "busy". */
  async tryLockThread<T>(id: string, work: () => Promise<T>): Promise<T | "busy"> {
    const result = await holdingLease(this.store.leases, `thread:${id}`, async () => ({ value: await work() }), {
      wait: false,
    });
    return result === undefined ? "busy" : result.value;
  }

  private drafterFor(meta?: ThreadMeta): Promise<StageDrafter> {
    if (this.options.drafter) return Promise.resolve(this.options.drafter);
    const provider = this.options.provider ?? meta?.provider ?? this.workspace.config.provider;
    const model =
      this.options.model ??
      (meta && meta.provider === provider ? meta.model : undefined) ??
      this.workspace.config.model;
    return selectDrafter({
      ...(provider ? { provider } : {}),
      ...(model ? { model } : {}),
      output: this.workspace.config.model_output,
      cacheTtl: this.workspace.config.cache_ttl,
    });
  }

  /** Starts a thread from a raw event and runs it until it is done or waits at a gate. */
  async startEvent(
    event: RawEvent,
    typeOverride?: ThreadType,
    origin?: string,
    pattern?: ThreadMeta["pattern"],
  ): Promise<ThreadResult> {
    return this.startThread(randomUUID(), { event, type: typeOverride, origin, pattern });
  }

  /**
   * Claims a new thread under its id (before anything else is written, so an event refused here
   * changes nothing), then runs its graph holding its lease. A start cut short earlier under the same
   * id is taken up. A pass that finds the thread between the claim and the lease runs it itself; the
   * lease makes this run find that work done, so no stage runs twice.
   */
  private async startThread(id: string, start: ThreadStart): Promise<ThreadResult> {
    const drafter = await this.drafterFor();
    const naming = namingWith(drafter);
    // A start taken up again (an approved follow-up, under its name-based id) keeps the name it was
    // claimed under, which may be the offline rules' (naming.ts): read again, it could be another.
    const known = await this.store.index.byId(id);
    const taken = known ? { ...start, type: known.type, title: known.title } : start;
    const { meta } = await claimThread(this.environment(naming.drafter), id, taken, this.now());
    const failure = naming.failure();
    if (failure) return this.lockThread(id, () => this.keepUnread(id, meta.thread, drafter, failure));
    return this.lockThread(
      id,
      async () =>
        (await this.proceed(id, meta.thread, drafter, this.initialInput(meta))) ?? this.settledResult(meta.thread),
    );
  }

  /**
   * A thread whose model could not read its event (naming.ts): claimed under the offline rules' name,
   * it is marked failed with the model's error, and nothing runs. The failure says how to go on
   * without typing the event again. A pass that took the thread up between the claim and the lease
   * has started it: then it goes on as any start does.
   */
  private async keepUnread(
    id: string,
    thread: string,
    drafter: StageDrafter,
    failure: RuntimeFailure,
  ): Promise<ThreadResult> {
    const meta = await this.metas.read(thread);
    if (started(await this.checkpointAt(id)))
      return (await this.proceed(id, thread, drafter, this.initialInput(meta))) ?? this.settledResult(thread);
    await this.metas.update(thread, (current) => ({ ...current, state: "failed", error: failure.message }));
    throw new RuntimeFailure(
      `${failure.message}\nThe event is kept in ${thread} (named by the offline rules, since the model could not read it): leanos resume ${thread} drafts it with ${meta.provider}:${meta.model} once the model answers`,
      { cause: failure },
    );
  }

  /** The graph input that starts a thread, from its meta.json: what the claim found, so the graph's claim takes the folder up. */
  private initialInput(meta: ThreadMeta): ThreadStart {
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

  private config(id: string) {
    return { configurable: { thread_id: id } };
  }

  /**
   * Runs the graph (the caller holds the thread's lease). meta.json says "running" first, so a crash
   * anywhere in the run leaves a thread that the next reader repairs from the checkpoint; the graph
   * itself records each stage, question, due date and the end as it reaches them.
   */
  private async run(id: string, thread: string, drafter: StageDrafter, input: unknown): Promise<ThreadResult> {
    const graph = this.graphFor(drafter);
    if ((await this.metas.read(thread)).state !== "running")
      await this.metas.update(thread, (meta) => ({ ...meta, state: "running" }), { touch: false });
    try {
      // "sync": each step's checkpoint is saved before the next step starts, so a kill never
      // leaves a step's side effects ahead of the checkpoint by more than the step itself.
      await graph.invoke(input as never, { ...this.config(id), durability: "sync" });
    } catch (error) {
      // Said as the command line would say it: a read-only mount, not a bare "ENOENT: mkdir".
      const message = describeFailure(error).message;
      thread = await this.nameNow(id, thread);
      await this.metas.update(thread, (meta) => ({ ...meta, state: "failed", error: message }));
      if (error instanceof UsageError) throw error;
      // Every step done so far is kept; the person is told how to go on from there.
      const failed = error instanceof RuntimeFailure ? message : `thread ${thread} failed: ${message}`;
      throw new RuntimeFailure(
        `${failed}\n${thread} keeps every step done so far: leanos resume ${thread} runs it on once that is mended`,
        { cause: error },
      );
    }
    return this.settledResult(await this.nameNow(id, thread));
  }

  /** A thread's name now: a correction of its type moves it (retype.ts). */
  private async nameNow(id: string, thread: string): Promise<string> {
    const row = await this.store.index.byId(id);
    return row && existsSync(join(this.metas.dirOf(row.thread), "meta.json")) ? row.thread : this.movedFrom(thread, id);
  }

  /**
   * Where a thread whose folder is not at its name is: a correction of its type cut short after the
   * folder moved and before the index followed leaves it under its new type (the correction, run
   * again, finishes the move).
   */
  private movedFrom(thread: string, id: string): Promise<string> {
    return whereThreadIs(this.workspace, thread, id);
  }

  /** meta.json made true to the checkpoint (after a run, or a crash), with the thread's approved follow-ups started. */
  private async settledResult(thread: string): Promise<ThreadResult> {
    const settled = await this.settle(thread);
    const started = await startApprovedOpportunities(thread, {
      metas: this.metas,
      audit: this.audit,
      now: () => this.now(),
      start: (id, event, type, origin) => this.startThread(id, { event, type, origin }),
    });
    return { ...settled, started };
  }

  /** meta.json as the thread's checkpoint has it: its state (waiting, scheduled, done), what waits, its progress and next due date. */
  private settledMeta(meta: ThreadMeta, checkpoint: CheckpointState): ThreadMeta {
    const pending = pendingOf(checkpoint);
    const values = checkpoint.snapshot.values as Partial<ThreadGraphState>;
    const timer = timerOf(checkpoint);
    const state: ThreadMeta["state"] =
      pending.length > 0
        ? "waiting"
        : timer
          ? "scheduled"
          : !hasWorkLeft(checkpoint) && started(checkpoint)
            ? "done"
            : "running";
    const { error: _cleared, ...rest } = meta;
    return { ...rest, ...progressOf(this.spec, values, meta), state, pending, next_due: timer?.due ?? null };
  }

  /** Writes the thread's state (waiting, scheduled, done), pending gates and opportunities into meta.json from its checkpoint. */
  private async settle(thread: string): Promise<Omit<ThreadResult, "started">> {
    const checkpoint = await this.checkpointAt(threadIdOf(await this.metas.read(thread)));
    let asked: PendingItem[] = [];
    const updated = await this.metas.update(thread, (meta) => {
      const settled = this.settledMeta(meta, checkpoint);
      asked = settled.pending.filter((item) => !meta.pending.some((known) => sameQuestion(known, item)));
      return settled;
    });
    // The graph records each question as it asks it; one asked by a run that was cut short is recorded here.
    await this.audit.append(...asked.map((item) => gateAsked(thread, item, this.stamp())));
    return {
      thread,
      state: updated.state,
      pending: updated.pending,
      dir: threadDir(this.workspace.threadsDir, thread),
      files: updated.files,
    };
  }

  /**
   * The thread as it stands, when there is nothing to do: nothing left to run, meta.json in step with
   * the checkpoint, no approved follow-up waiting to be started. Read without the thread's lease and
   * without writing a byte, so `resume` of a thread that waits, sleeps or is done changes nothing, and
   * works on a workspace that cannot be written. Undefined when there is something to do.
   */
  private async standing(thread: string, id: string): Promise<ThreadResult | undefined> {
    const meta = await this.metas.read(thread);
    if (meta.state === "running" || meta.state === "failed") return undefined;
    // A lease row (a live holder, or one a killed process left) sends resume through the lease: it
    // waits for the holder, or takes the dead one's row over and removes it.
    if (await this.store.leases.recorded(`thread:${id}`)) return undefined;
    if (meta.opportunities.some((entry) => entry.status === "approved" && !entry.thread)) return undefined;
    const checkpoint = await this.checkpointAt(id);
    if (!started(checkpoint) || (gatesOf(checkpoint).length === 0 && hasWorkLeft(checkpoint))) return undefined;
    // updated_at only says when meta.json was last written; everything else must already be so.
    const comparable = (value: ThreadMeta): unknown =>
      JSON.parse(JSON.stringify({ ...value, updated_at: null })) as unknown;
    if (!isDeepStrictEqual(comparable(this.settledMeta(meta, checkpoint)), comparable(meta))) return undefined;
    return {
      thread,
      state: meta.state,
      pending: meta.pending,
      dir: threadDir(this.workspace.threadsDir, thread),
      files: meta.files,
      started: [],
    };
  }

  /**
   * Runs what a thread has left to run (the caller holds its lease): a start cut short before its
   * claim was checkpointed, a run cut short after, a failed stage. Undefined when nothing is left to
   * run: the thread waits for a person, for a due date, or is complete.
   */
  private async proceed(
    id: string,
    thread: string,
    drafter: StageDrafter,
    input: ThreadStart,
  ): Promise<ThreadResult | undefined> {
    const checkpoint = await this.checkpointAt(id);
    if (!started(checkpoint)) return this.run(id, thread, drafter, input);
    if (gatesOf(checkpoint).length > 0 || timerOf(checkpoint) || !hasWorkLeft(checkpoint)) return undefined;
    return this.run(id, thread, drafter, null);
  }

  /** The thread's checkpoint, read with a graph that drafts nothing (see checkpointView.ts). */
  private async checkpointAt(id: string): Promise<CheckpointState> {
    const snapshot = await this.graphFor(READER).getState(this.config(id));
    const tuple = await this.checkpointer.getTuple(this.config(id));
    const answered = (tuple?.pendingWrites ?? []).some(([, channel]) => channel === "__resume__");
    return { snapshot, answered };
  }

  /**
   * Runs a scheduled thread's next step if it is due now, and finishes a run a crash cut short (a pass
   * does this). Undefined when nothing was due, so a second pass finds nothing to do; "busy" when
   * another process holds the thread.
   */
  async advance(name: string): Promise<ThreadResult | "busy" | undefined> {
    const { thread, meta: resolved } = await this.resolve(name);
    const id = threadIdOf(resolved);
    return this.tryLockThread(id, async () => {
      const meta = await this.metas.read(thread);
      if (meta.state === "failed") return undefined;
      const drafter = await this.drafterFor(meta);
      const timer = timerOf(await this.checkpointAt(id));
      if (timer) {
        if (timer.due > this.stamp().slice(0, 10))
          return meta.next_due === timer.due ? undefined : this.settledResult(thread);
        // Any input wakes a sleeping thread: the graph enters at the node that waits for the date.
        return this.run(id, thread, drafter, {});
      }
      return (
        (await this.proceed(id, thread, drafter, this.initialInput(meta))) ??
        (meta.state === "running" ? this.settledResult(thread) : undefined)
      );
    });
  }

  /**
   * A thread named by a person or a script (its name, a unique prefix, or its LangGraph id), with its
   * meta.json. A thread left "running" by a process that died is repaired from its checkpoint first,
   * so no reader sees a state the checkpoint has left.
   */
  async resolve(name: string): Promise<{ thread: string; meta: ThreadMeta }> {
    const named = await this.threadNamed(name);
    const row = await this.store.index.get(named);
    const thread = row ? await this.movedFrom(named, row.id) : named;
    return { thread, meta: await this.fresh(await this.metas.read(thread), thread) };
  }

  /**
   * Corrects what the drafter read of a thread (gates/correction.ts), as `leanos correct` does. The
   * correction is checked before anything is written (a refused one changes nothing), then handed to
   * the graph's correction node: before the thread acts it redrafts from the first corrected stage,
   * moving the thread when its type changes; after, it is recorded and nothing is undone.
   */
  async correct(
    name: string,
    given: unknown,
    options: { by: string; reason?: string },
  ): Promise<
    ThreadResult & {
      after_acting: boolean;
      fields: ReadingFields;
      renamed?: string;
      proposed_rule?: { id: string; says: string };
    }
  > {
    const { thread, meta } = await this.resolve(name);
    const id = threadIdOf(meta);
    const check = async () => {
      const checkpoint = await this.checkpointAt(id);
      const values = checkpoint.snapshot.values as ThreadGraphState;
      if (!started(checkpoint) || !values.outputs)
        throw new UsageError(
          `${thread} has nothing drafted yet to correct: leanos resume ${thread} drafts it first; nothing was changed`,
        );
      if (!values.seal)
        throw new UsageError(
          `${thread} was started before leanos sealed its threads' state, so it cannot be corrected; start its event again to correct it; nothing was changed`,
        );
      const current = await this.metas.read(thread);
      if (current.state === "running")
        throw new UsageError(
          `${thread} is running (a crash cut it short?): leanos resume ${thread} first; nothing was changed`,
        );
      const fields = checkCorrection(
        given,
        this.canvas,
        readingOf(values.type, outputsBySchema(this.spec, values.outputs)),
        this.workspace.threadTypes,
      );
      checkReason(options.reason);
      const acted = hasActed(new GraphKit(this.environment(READER)), values);
      if (!acted && fields.type !== undefined) await checkRetype(this.workspace, id, thread, fields.type);
      return { current, fields, acted };
    };
    // Checked first without the lease, so a refused correction touches nothing at all (not even the
    // lease's row); checked again under it, since another process may have moved the thread on.
    await check();
    const done = await this.tryLockThread(id, async () => {
      const { current, fields, acted } = await check();
      const correction = {
        fields,
        by: options.by,
        at: this.stamp(),
        via: "correct" as const,
        ...(options.reason ? { reason: options.reason } : {}),
      };
      const result = await this.run(id, thread, await this.drafterFor(current), { correction });
      const proposed = await proposalFrom(this.store.memory, id, correction.at);
      return {
        ...result,
        after_acting: acted,
        fields,
        ...(result.thread !== thread ? { renamed: thread } : {}),
        ...(proposed ? { proposed_rule: proposed } : {}),
      };
    });
    if (done === "busy")
      throw new UsageError(
        `${thread} is busy: another process (a pass, an answer) is running it; correct it once that is done; nothing was changed`,
      );
    return done;
  }

  /** The thread a name names, from the index; a folder the index lacks (made by hand, or copied in) is found and indexed. */
  private async threadNamed(name: string): Promise<string> {
    try {
      return await resolveThreadName(indexLookup(this.store.index), name);
    } catch (error) {
      if (!(error instanceof UnknownThread)) throw error;
      const thread = await resolveThreadName(diskLookup(this.workspace), name);
      if (!this.store.readOnly) await this.metas.indexed(await this.metas.read(thread));
      return thread;
    }
  }

  /**
   * A thread's meta.json, read for a reader who found it by its index row: settled if it says
   * "running" and nobody runs it, and its row mended if a crash left it behind.
   */
  async readIndexed(row: IndexRow): Promise<ThreadMeta> {
    const thread = await this.movedFrom(row.thread, row.id);
    const meta = await this.fresh(await this.metas.read(thread), thread);
    const current = indexRowOf(meta);
    // A thread a correction is moving keeps its row until the correction, run on, moves it.
    if (!this.store.readOnly && thread === row.thread && rowDifferences(row, current).length > 0)
      await this.store.index.put(current);
    return meta;
  }

  /**
   * The meta.json as the checkpoint has it: a "running" thread nobody runs is settled from its
   * checkpoint. Where nothing can be written it is read as it says.
   */
  private async fresh(meta: ThreadMeta, thread = meta.thread): Promise<ThreadMeta> {
    if (meta.state !== "running" || this.store.readOnly) return meta;
    // `thread` is where its folder is, which a correction's move cut short may not yet have told meta.json.
    const repaired = await this.tryLockThread(threadIdOf(meta), async () => {
      const current = await this.metas.read(thread);
      if (current.state !== "running") return current;
      await this.settle(thread);
      return this.metas.read(thread);
    });
    return repaired === "busy" ? meta : repaired;
  }

  /** What waits for a human, highest impact first (acrossThreads.ts). */
  pending(name?: string): Promise<PendingItem[]> {
    return pendingItems(this, name);
  }

  /**
   * Answers the gate a thread waits at and runs on to the next gate or the end. With `expected` (the
   * pending item's id) the answer is only given if that very question still waits: a question
   * answered meanwhile elsewhere is reported, and nothing changes.
   */
  async answer(name: string, response: GivenAnswer, expected?: string): Promise<ThreadResult> {
    const { thread, meta } = await this.resolve(name);
    const id = threadIdOf(meta);
    const check = async (): Promise<{ payload: GatePayload; id?: string }> =>
      checkedPayload(await this.checkpointAt(id), response, {
        thread,
        state: (await this.metas.read(thread)).state,
        context: new GraphKit(this.environment(READER)).answerContext(thread),
        ...(expected !== undefined ? { expected } : {}),
      });
    // Checked first without the lease, so a refused answer touches nothing at all; checked again
    // under it, since another process may have answered meanwhile.
    await check();
    return this.lockThread(id, async () => {
      const { payload, id: question } = await check();
      const drafter = await this.drafterFor(await this.metas.read(thread));
      // The answer names the question it was checked against, which a gate that sends to customers requires.
      const named = { ...response, at: response.at ?? this.stamp(), ...(question ? { interrupt_id: question } : {}) };
      const result = await this.run(id, thread, drafter, new Command({ resume: named }));
      // The gate checks the answer again as it takes it; one it refused leaves the same question waiting.
      const refused = result.pending.find((item) => item.node === payload.leanos.node && item.refused);
      if (refused) throw new UsageError(`${refused.refused}; nothing was changed`);
      return result;
    });
  }

  /**
   * Runs a failed or interrupted thread on from its last checkpoint (completed stages are not redone).
   * A thread with nothing left to run is settled and returned as it is: what it waits for, when its
   * next step is due, or that it is complete.
   */
  async resume(name: string): Promise<ThreadResult & { ran: boolean }> {
    const { thread, meta } = await this.resolve(name);
    const standing = await this.standing(thread, threadIdOf(meta));
    if (standing) return { ...standing, ran: false };
    return this.lockThread(threadIdOf(meta), async () => {
      const current = await this.metas.read(thread);
      const ran = await this.proceed(
        threadIdOf(current),
        thread,
        await this.drafterFor(current),
        this.initialInput(current),
      );
      return ran ? { ...ran, ran: true } : { ...(await this.settledResult(thread)), ran: false };
    });
  }

  /**
   * Links a sales thread to the marketing thread whose piece brought it in, on both sides (full
   * thread names); without a campaign, records that the lead was checked, so no pass looks again.
   * False, with nothing changed, when either thread is busy in another process (a pass never waits
   * for a live run; the next one links it).
   */
  async attribute(lead: string, campaign: string | undefined): Promise<boolean> {
    const linked = await this.tryLockThread(threadIdOf(await this.metas.read(lead)), async () => {
      if (campaign) {
        const other = await this.tryLockThread(threadIdOf(await this.metas.read(campaign)), () =>
          this.metas.update(campaign, (meta) => ({ ...meta, attributed: [...new Set([...meta.attributed, lead])] }), {
            touch: false,
          }),
        );
        if (other === "busy") return false;
      }
      await this.metas.update(
        lead,
        (meta) => ({
          ...meta,
          attribution_checked: true,
          ...(campaign ? { attribution: { campaign, via: "the event names the campaign" } } : {}),
        }),
        { touch: false },
      );
      return true;
    });
    return linked === true;
  }

  /** The gate payload a thread waits at, if any. */
  async pendingPayload(name: string): Promise<GatePayload | undefined> {
    const { meta } = await this.resolve(name);
    return payloadsOf(await this.checkpointAt(threadIdOf(meta)))[0];
  }

  /** The drafter new work in this workspace uses (for reading chat replies, among others). */
  defaultDrafter(): Promise<StageDrafter> {
    return this.drafterFor();
  }

  /** A thread's stage outputs as its files record them, by schema name (input, hypothesis...). */
  stageOutputs(thread: string): Promise<Partial<Record<string, unknown>>> {
    return stageOutputsOf(this.workspace.root, this.metas.dirOf(thread), this.spec);
  }

  /** What a thread does next, for status output. */
  nextStep(meta: ThreadMeta): string {
    return nextStepOf(meta);
  }

  /** Releases the store (the SQLite handle, so a test can delete the workspace; PostgreSQL's connections). */
  close(): Promise<void> {
    return this.store.close();
  }
}
