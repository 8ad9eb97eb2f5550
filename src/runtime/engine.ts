import { randomUUID } from "node:crypto";
import type { RawEvent, ThreadType } from "../core/stageSchemas.js";
import { threadIdOf } from "../core/threadId.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";
import type { GatePayload, GivenAnswer } from "../gates/wire.js";
import type { ThreadGraph } from "../graph/builder.js";
import type { StageDrafter } from "../stages/drafter.js";
import type { IndexRow } from "../store/indexRow.js";
import { openStore } from "../store/open.js";
import { pendingItems } from "./acrossThreads.js";
import { correct } from "./answers.js";
import { answerComparing, type Redraft } from "./redraft.js";
import { payloadsOf } from "./checkpointView.js";
import { buildIndexIfNew } from "./indexBuild.js";
import { resolve } from "./lookup.js";
import { openForWork } from "./open.js";
import { RuntimeParts, type RuntimeOptions } from "./parts.js";
import { checkpointAt, readIndexed, standing } from "./projector.js";
import { nextStepOf } from "./reading.js";
import { outputsBySchema } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { advance, runOn, startThread } from "./runner.js";
import type { CorrectionOptions, CorrectionResult, ThreadResult, ThreadService } from "./threadService.js";

export type { RuntimeOptions } from "./parts.js";
export type { ThreadResult } from "./threadService.js";

/**
 * The embedded LangGraph runtime of one workspace: the ThreadService that runs the thread graph on
 * the checkpoints of its store (SQLite or PostgreSQL), one process per thread at a time (a lease),
 * and reads threads for people. Its parts each do one job: runner.ts runs, projector.ts says what
 * a checkpoint means for meta.json and writes it, lookup.ts finds a thread by name, answers.ts takes
 * answers and corrections.
 */
export class Runtime implements ThreadService {
  private constructor(readonly parts: RuntimeParts) {}

  static async open(options: RuntimeOptions = {}): Promise<Runtime> {
    const { workspace, canvas, skills, spec, goals, values } = await openForWork(options.workspace);
    const store = await openStore(workspace, undefined, { reading: options.reading === true });
    try {
      // A workspace made before the index (or copied without its store) gets its rows once.
      await buildIndexIfNew(workspace, store.index);
    } catch (error) {
      await store.close();
      throw error;
    }
    return new Runtime(new RuntimeParts(workspace, canvas, skills, spec, store, options, goals, values));
  }

  get workspace() {
    return this.parts.workspace;
  }
  get canvas() {
    return this.parts.canvas;
  }
  get skills() {
    return this.parts.skills;
  }
  get spec() {
    return this.parts.spec;
  }
  get store() {
    return this.parts.store;
  }
  get audit() {
    return this.parts.audit;
  }
  get metas() {
    return this.parts.metas;
  }
  get root(): string {
    return this.parts.workspace.root;
  }
  get maxEventBytes(): number {
    return this.parts.workspace.config.max_event_kb * 1024;
  }

  now(): Date {
    return this.parts.now();
  }

  /** The thread graph on this workspace's checkpoints, drafting with the workspace's model: what any LangGraph client runs. */
  async graph(): Promise<ThreadGraph> {
    const drafter = await this.parts.drafterFor();
    return this.parts.graph.withConfig({ context: { leanos: { drafter } } }) as ThreadGraph;
  }

  /** Runs `work` holding a thread's lease, unless another process holds it: then the result is "busy". */
  tryLockThread<T>(id: string, work: () => Promise<T>): Promise<T | "busy"> {
    return this.parts.tryLockThread(id, work);
  }

  /** Starts a thread from a raw event and runs it until it is done or waits at a gate. */
  startEvent(
    event: RawEvent,
    typeOverride?: ThreadType,
    origin?: string,
    pattern?: ThreadMeta["pattern"],
  ): Promise<ThreadResult> {
    return startThread(this.parts, randomUUID(), { event, type: typeOverride, origin, pattern });
  }

  /** Runs a scheduled thread's next step if it is due, or a run a crash cut short (runner.ts). */
  async advance(name: string): Promise<ThreadResult | "busy" | undefined> {
    const { thread, meta } = await this.resolve(name);
    return advance(this.parts, thread, threadIdOf(meta));
  }

  /** A thread named by a person or a script, with its meta.json as its checkpoint has it. */
  resolve(name: string): Promise<{ thread: string; meta: ThreadMeta }> {
    return resolve(this.parts, name);
  }

  correct(name: string, given: unknown, options: CorrectionOptions): Promise<CorrectionResult> {
    return correct(this.parts, name, given, options);
  }

  /** A thread's meta.json for a reader who found it by its index row (projector.ts). */
  readIndexed(row: IndexRow): Promise<ThreadMeta> {
    return readIndexed(this.parts, row);
  }

  /** What waits for a human, highest impact first (acrossThreads.ts). */
  pending(name?: string): Promise<PendingItem[]> {
    return pendingItems(this, name);
  }

  /** Answers the question a thread waits at; feedback's answer says what the redraft changed (redraft.ts). */
  answer(name: string, response: GivenAnswer, expected?: string): Promise<ThreadResult & { redraft?: Redraft }> {
    return answerComparing(this.parts, name, response, expected);
  }

  /**
   * Runs a failed or interrupted thread on from its last checkpoint (completed stages are not redone).
   * A thread with nothing left to run is returned as it is, writing nothing: what it waits for, when
   * its next step is due, or that it is complete.
   */
  async resume(name: string): Promise<ThreadResult & { ran: boolean }> {
    const { thread, meta } = await this.resolve(name);
    const still = await standing(this.parts, thread, threadIdOf(meta));
    if (still) return { ...still, ran: false };
    return this.parts.lockThread(threadIdOf(meta), () => runOn(this.parts, thread));
  }

  /** The gate payload a thread waits at, if any. */
  async pendingPayload(name: string): Promise<GatePayload | undefined> {
    const { meta } = await this.resolve(name);
    return payloadsOf(await checkpointAt(this.parts, threadIdOf(meta)))[0];
  }

  async editable(name: string): Promise<Record<string, unknown>> {
    return (await this.pendingPayload(name))?.action_request.args ?? {};
  }

  /** The drafter new work in this workspace uses. */
  defaultDrafter(): Promise<StageDrafter> {
    return this.parts.drafterFor();
  }

  intentReader(): Promise<Pick<StageDrafter, "readIntent">> {
    return this.parts.drafterFor();
  }

  /** A thread's stage outputs as its checkpoint holds them, by schema name (input, hypothesis...). */
  async stageOutputs(name: string): Promise<Partial<Record<string, unknown>>> {
    const { meta } = await this.resolve(name);
    const values = (await checkpointAt(this.parts, threadIdOf(meta))).snapshot.values as Partial<ThreadGraphState>;
    return outputsBySchema(this.parts.spec, values.outputs ?? {});
  }

  /** What a thread does next, for status output. */
  nextStep(meta: ThreadMeta): string {
    return nextStepOf(meta);
  }

  /** Releases the store (the SQLite handle, so a test can delete the workspace; PostgreSQL's connections). */
  close(): Promise<void> {
    return this.parts.store.close();
  }
}
