import { existsSync } from "node:fs";
import { join } from "node:path";
import matter from "gray-matter";
import { Command } from "@langchain/langgraph";
import { checkAnswer } from "../gates/check.js";
import { GATES } from "../gates/registry.js";
import { coerceEdit, type GatePayload, type GateResponse } from "../gates/wire.js";
import { checkRouting } from "../actions/routing.js";
import { AuditLog, type AuditEntry } from "../audit/log.js";
import { assertCanvasSound, readCanvas, type Canvas } from "../canvas/canvas.js";
import { AlreadyAnswered, RuntimeFailure, UsageError } from "../errors.js";
import { describeFailure } from "../failure.js";
import { makeDir, removeDeadTemps } from "../files/atomic.js";
import { readText } from "../files/readText.js";
import { WorkspaceCheckpointer } from "../store/checkpointer.js";
import { withLease } from "../store/leases.js";
import { toolPath } from "../files/toolRoot.js";
import { buildThreadGraph, type ThreadGraph } from "../graph/builder.js";
import { currentAction, gatesOf, hasWorkLeft, type CheckpointState, opportunitiesOf, payloadsOf, pendingOf, started, timerOf, validatedBy } from "./checkpointView.js";
import { GraphKit, type GraphEnvironment, type ProgressEvent } from "../graph/kit.js";
import { graphFileFor, loadGraphSpec, type GraphSpec } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { callCost } from "../llm/cost.js";
import type { StageDrafter } from "../llm/provider.js";
import { selectDrafter } from "../llm/select.js";
import { actionTemplates, loadSkills, type SkillSet } from "../skills/loader.js";
import type { RawEvent } from "../stages/context.js";
import type { ThreadType } from "../stages/schemas.js";
import { ThreadMeta, type PendingItem } from "../threads/meta.js";
import { slugify } from "../threads/slug.js";
import { claimThreadFolder, listThreadNames, readThreadMeta, resolveThreadName, threadDir, writeThreadMeta } from "../threads/store.js";
import { openWorkspace, type Workspace } from "../workspace/workspace.js";
import { gateLabel } from "../gates/kind.js";

export interface RuntimeOptions {
  workspace?: string;
  provider?: string;
  model?: string;
  onProgress?: (event: ProgressEvent) => void;
  /** The clock; tests and `--now` fix it. */
  now?: () => Date;
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

/** One workspace opened for work: canvas, skills, graph spec, checkpoints and the audit log. */
export class Runtime {
  readonly audit: AuditLog;

  private constructor(
    readonly workspace: Workspace,
    readonly canvas: Canvas,
    readonly skills: SkillSet,
    readonly spec: GraphSpec,
    private readonly checkpointer: WorkspaceCheckpointer,
    private readonly options: RuntimeOptions,
  ) {
    this.audit = new AuditLog(workspace.root, workspace.auditPath);
  }

  static async open(options: RuntimeOptions = {}): Promise<Runtime> {
    const workspace = await openWorkspace(options.workspace);
    const canvas = await readCanvas(workspace.canvasDir, workspace.root);
    // A canvas the runtime might write to must parse cleanly first: nothing is written otherwise.
    assertCanvasSound(canvas);
    const skills = await loadSkills([
      { dir: toolPath("skills"), origin: "tool" },
      { dir: workspace.skillsDir, origin: "workspace", workspace: workspace.root },
    ]);
    checkRouting(actionTemplates(skills));
    const spec = await loadGraphSpec(graphFileFor(workspace.config.graph, toolPath("graphs"), workspace.graphsDir), skills, workspace.root);
    await makeDir(workspace.root, workspace.stateDir);
    // What a killed process left half-written (temp files, half-made thread folders) goes first.
    await removeDeadTemps(workspace.root);
    const checkpointer = WorkspaceCheckpointer.openIn(workspace.root, workspace.checkpointsPath);
    return new Runtime(workspace, canvas, skills, spec, checkpointer, options);
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private graphFor(drafter: StageDrafter): ThreadGraph {
    return buildThreadGraph(this.environment(drafter), this.checkpointer);
  }

  private environment(drafter: StageDrafter): GraphEnvironment {
    return {
      workspace: this.workspace,
      canvas: this.canvas,
      skills: this.skills,
      spec: this.spec,
      drafter,
      now: () => this.now(),
      onStageWritten: async (thread, stage, files) => {
        await this.updateMeta(thread, (meta) => ({ ...meta, stage, files: [...new Set([...meta.files, ...files])] }));
        await this.audit.append(...files.map((file): AuditEntry => ({ kind: "file-written", at: this.stamp(), thread, path: `threads/${thread}/${file}` })));
      },
      onModelUsage: async (thread, stage, calls) => {
        if (calls.length === 0) return;
        await this.updateMeta(thread, (meta) => ({
          ...meta,
          usage: calls.reduce<ThreadMeta["usage"]>(
            (sum, call) => ({
              calls: sum.calls + 1,
              input_tokens: sum.input_tokens + call.input_tokens,
              output_tokens: sum.output_tokens + call.output_tokens,
              cache_read_tokens: sum.cache_read_tokens + call.cache_read_tokens,
              latency_ms: sum.latency_ms + call.latency_ms,
            }),
            meta.usage,
          ),
        }));
        await this.audit.append(
          ...calls.map((call): AuditEntry => ({
            kind: "model-call",
            at: this.stamp(),
            thread,
            stage,
            provider: drafter.provider,
            model: drafter.model,
            ...call,
            cost_usd: callCost(drafter.provider, drafter.model, call),
          })),
        );
      },
      onGateAnswered: (thread, answered) =>
        this.audit.append({
          kind: "gate-answered",
          at: answered.review.at,
          thread,
          gate: answered.gate,
          stage: answered.stage,
          answer: answered.review.answer,
          by: answered.review.by,
          summary: answered.summary,
          ...(answered.review.reason ? { reason: answered.review.reason } : {}),
          ...(answered.action_id ? { action_id: answered.action_id } : {}),
        }),
      onGateRefused: (thread, refused) => this.audit.append({ kind: "gate-refused", at: this.stamp(), thread, ...refused }),
      onCanvasChanged: (thread, changes) =>
        this.audit.append(...changes.map((change): AuditEntry => ({ kind: "canvas-change", at: this.stamp(), thread, ...change }))),
      ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
    };
  }

  /** `touch: false` keeps updated_at, which times how long a thread has sat in its stage. */
  private async updateMeta(thread: string, change: (meta: ThreadMeta) => ThreadMeta, options: { touch?: boolean } = {}): Promise<ThreadMeta> {
    const dir = this.dirOf(thread);
    const before = await readThreadMeta(this.workspace.root, dir);
    const updated = { ...change(before), updated_at: options.touch === false ? before.updated_at : this.stamp() };
    await writeThreadMeta(this.workspace.root, dir, updated);
    return updated;
  }

  private dirOf(thread: string): string {
    return threadDir(this.workspace.threadsDir, thread);
  }

  private readMeta(thread: string): Promise<ThreadMeta> {
    return readThreadMeta(this.workspace.root, this.dirOf(thread));
  }

  /** Runs `work` holding the thread's lease: one process at a time resumes a thread. */
  private lockThread<T>(thread: string, work: () => Promise<T>): Promise<T> {
    return withLease(this.workspace.root, this.workspace.checkpointsPath, `thread:${thread}`, work);
  }

  /** Like lockThread, but a thread busy in another process is skipped: the result is "busy". */
  private async tryLockThread<T>(thread: string, work: () => Promise<T>): Promise<T | "busy"> {
    const result = await withLease(this.workspace.root, this.workspace.checkpointsPath, `thread:${thread}`, async () => ({ value: await work() }), { wait: false });
    return result === undefined ? "busy" : result.value;
  }

  private drafterFor(meta?: ThreadMeta): Promise<StageDrafter> {
    const provider = this.options.provider ?? meta?.provider ?? this.workspace.config.provider;
    const model = this.options.model ?? (meta && meta.provider === provider ? meta.model : undefined) ?? this.workspace.config.model;
    return selectDrafter({ ...(provider ? { provider } : {}), ...(model ? { model } : {}) });
  }

  /** Starts a thread from a raw event and runs it until it is done or waits at a gate. */
  async startEvent(event: RawEvent, typeOverride?: ThreadType, origin?: string, pattern?: ThreadMeta["pattern"]): Promise<ThreadResult> {
    if (event.text.trim().length === 0) throw new UsageError("the event is empty: give its text, --file FILE, or pipe it on stdin");
    const drafter = await this.drafterFor();
    const classification = await drafter.classify(event, this.canvas);
    const type = typeOverride ?? classification.type;
    const created = this.stamp();
    const metaFor = (thread: string, slug: string): ThreadMeta => ThreadMeta.parse({
      thread,
      type,
      slug,
      title: classification.title,
      created_at: created,
      updated_at: created,
      event: { date: event.date, source: event.source, text: event.text, ...(event.file ? { file: event.file } : {}) },
      graph: this.spec.name,
      provider: drafter.provider,
      model: drafter.model,
      state: "running",
      stage: null,
      impact: null,
      pending: [],
      files: [],
      ...(origin ? { origin } : {}),
      ...(pattern ? { pattern } : {}),
    });
    // A follow-up of an opportunity takes up a thread an earlier, killed attempt already claimed.
    const sameOrigin = origin ? (existing: ThreadMeta) => existing.origin === origin && existing.event.source === event.source : undefined;
    const claimed = await claimThreadFolder(this.workspace.root, this.workspace.threadsDir, type, slugify(classification.title), metaFor, sameOrigin);
    const { thread } = claimed;
    if (!claimed.existing) await this.audit.append({ kind: "thread-started", at: created, thread, type, title: classification.title, provider: drafter.provider, source: event.source });
    return this.lockThread(thread, async () => (await this.continueLocked(thread, drafter)) ?? (await this.settledResult(thread)));
  }

  /** The graph input that starts a thread, from its meta.json (so a thread whose start was cut short can start again). */
  private initialInput(meta: ThreadMeta): Partial<ThreadGraphState> {
    const event: RawEvent = { text: meta.event.text, date: meta.event.date, source: meta.event.source, ...(meta.event.file ? { file: meta.event.file } : {}) };
    return { thread: meta.thread, type: meta.type, today: meta.created_at.slice(0, 10), event, impact: null };
  }

  private config(thread: string) {
    return { configurable: { thread_id: thread } };
  }

  /**
   * Runs the graph (the caller holds the thread's lease). meta.json says "running" first, so a crash
   * anywhere in the run leaves a thread that the next reader repairs from the checkpoint.
   */
  private async run(thread: string, drafter: StageDrafter, input: unknown): Promise<ThreadResult> {
    const graph = this.graphFor(drafter);
    if ((await this.readMeta(thread)).state !== "running") await this.updateMeta(thread, (meta) => ({ ...meta, state: "running" }), { touch: false });
    try {
      // "sync": each step's checkpoint is saved before the next step starts, so a kill never
      // leaves a step's side effects ahead of the checkpoint by more than the step itself.
      await graph.invoke(input as never, { ...this.config(thread), durability: "sync" });
    } catch (error) {
      // Said as the command line would say it: a read-only mount, not a bare "ENOENT: mkdir".
      const message = describeFailure(error).message;
      await this.updateMeta(thread, (meta) => ({ ...meta, state: "failed", error: message }));
      if (error instanceof UsageError || error instanceof RuntimeFailure) throw error;
      throw new RuntimeFailure(`thread ${thread} failed: ${message}`, { cause: error });
    }
    const result = await this.settle(thread);
    return { ...result, started: await this.startApprovedOpportunities(thread) };
  }

  /** Writes the thread's state (waiting, done), pending gates and opportunities into meta.json. */
  private async settle(thread: string): Promise<Omit<ThreadResult, "started">> {
    const checkpoint = await this.checkpointOf(thread);
    const pending = pendingOf(checkpoint);
    const values = checkpoint.snapshot.values as Partial<ThreadGraphState>;
    const timer = timerOf(checkpoint);
    const state: ThreadMeta["state"] = pending.length > 0 ? "waiting" : timer ? "scheduled" : !hasWorkLeft(checkpoint) && started(checkpoint) ? "done" : "running";
    let asked: PendingItem[] = [];
    const updated = await this.updateMeta(thread, (meta) => {
      const { error: _cleared, ...rest } = meta;
      const seen = new Set(meta.pending.map((item) => `${item.node}/${item.action_id ?? item.opportunity_id ?? ""}`));
      asked = pending.filter((item) => !seen.has(`${item.node}/${item.action_id ?? item.opportunity_id ?? ""}`));
      return {
        ...rest,
        state,
        pending,
        impact: values.impact ?? null,
        opportunities: opportunitiesOf(this.spec, values, meta.opportunities),
        current_action: currentAction(this.spec, values),
        next_due: timer?.due ?? null,
        validated: validatedBy(this.spec, values),
      };
    });
    await this.audit.append(
      ...asked.map((item): AuditEntry => ({
        kind: "gate-asked",
        at: this.stamp(),
        thread,
        gate: item.kind,
        node: item.node,
        question: item.question,
        impact: item.impact,
        ...(item.action_id ? { action_id: item.action_id } : {}),
      })),
    );
    return { thread, state, pending, dir: threadDir(this.workspace.threadsDir, thread), files: updated.files };
  }

  /**
   * Each approved opportunity becomes a new thread, once: the source's meta.json records it, and a
   * follow-up claimed by an attempt killed before that record is taken up rather than made again.
   */
  private async startApprovedOpportunities(thread: string): Promise<ThreadResult[]> {
    const started: ThreadResult[] = [];
    for (;;) {
      const meta = await this.readMeta(thread);
      const opportunity = meta.opportunities.find((entry) => entry.status === "approved" && !entry.thread);
      if (!opportunity) return started;
      const event: RawEvent = {
        text: `${opportunity.title}. ${opportunity.rationale} Follow-up of threads/${thread}.`,
        date: this.stamp().slice(0, 10),
        source: `threads/${thread}/6-learning.md (${opportunity.id})`,
      };
      const result = await this.startEvent(event, opportunity.type, thread);
      await this.updateMeta(thread, (current) => ({
        ...current,
        opportunities: current.opportunities.map((entry) => (entry.id === opportunity.id ? { ...entry, status: "started", thread: result.thread } : entry)),
      }));
      await this.audit.append({ kind: "opportunity-started", at: this.stamp(), thread, opportunity: opportunity.id, started: result.thread });
      started.push(result);
    }
  }

  /**
   * Runs what a thread has left to run (the caller holds its lease): a start cut short before its
   * first checkpoint, a run cut short after one, a failed stage. Undefined when nothing is left to
   * run: the thread waits for a person, for a due date, or is complete.
   */
  private async continueLocked(thread: string, drafter?: StageDrafter): Promise<ThreadResult | undefined> {
    const meta = await this.readMeta(thread);
    const chosen = drafter ?? (await this.drafterFor(meta));
    const checkpoint = await this.checkpointOf(thread);
    if (!started(checkpoint)) return this.run(thread, chosen, this.initialInput(meta));
    if (gatesOf(checkpoint).length > 0 || timerOf(checkpoint) || !hasWorkLeft(checkpoint)) return undefined;
    return this.run(thread, chosen, null);
  }

  /** The thread's checkpoint, read with a graph that drafts nothing (see checkpointView.ts). */
  private async checkpointOf(thread: string): Promise<CheckpointState> {
    const snapshot = await this.graphFor(READER).getState(this.config(thread));
    const tuple = await this.checkpointer.getTuple(this.config(thread));
    const answered = (tuple?.pendingWrites ?? []).some(([, channel]) => channel === "__resume__");
    return { snapshot, answered };
  }

  /** meta.json made true to the checkpoint again (the caller holds the lease), with the opportunities left to start. */
  private async settledResult(thread: string): Promise<ThreadResult> {
    const settled = await this.settle(thread);
    return { ...settled, started: await this.startApprovedOpportunities(thread) };
  }

  /**
   * Runs a scheduled thread's next step if it is due now, and finishes a run a crash cut short (a pass
   * does this). Undefined when nothing was due, so a second pass finds nothing to do; "busy" when
   * another process holds the thread.
   */
  async advance(name: string): Promise<ThreadResult | "busy" | undefined> {
    const { thread } = await this.resolve(name);
    return this.tryLockThread(thread, async () => {
      const meta = await this.readMeta(thread);
      if (meta.state === "failed") return undefined;
      const drafter = await this.drafterFor(meta);
      const timer = timerOf(await this.checkpointOf(thread));
      if (timer) {
        if (timer.due > this.stamp().slice(0, 10)) return meta.next_due === timer.due ? undefined : this.settledResult(thread);
        return this.run(thread, drafter, new Command({ resume: { type: "timer", at: this.stamp() } }));
      }
      return (await this.continueLocked(thread, drafter)) ?? (meta.state === "running" ? this.settledResult(thread) : undefined);
    });
  }

  /**
   * A thread named by a person or a script, with its meta.json. A thread left "running" by a process
   * that died is repaired from its checkpoint first, so no reader sees a state the checkpoint has left.
   */
  async resolve(name: string): Promise<{ thread: string; meta: ThreadMeta }> {
    const thread = await resolveThreadName(this.workspace.root, this.workspace.threadsDir, name);
    return { thread, meta: await this.fresh(await this.readMeta(thread)) };
  }

  /** The meta.json as the checkpoint has it: a "running" thread nobody runs is settled from its checkpoint. */
  private async fresh(meta: ThreadMeta): Promise<ThreadMeta> {
    if (meta.state !== "running") return meta;
    const repaired = await this.tryLockThread(meta.thread, async () => {
      const current = await this.readMeta(meta.thread);
      if (current.state !== "running") return current;
      await this.settle(meta.thread);
      return this.readMeta(meta.thread);
    });
    return repaired === "busy" ? meta : repaired;
  }

  /**
   * What waits for a human, highest impact first, from each thread's meta.json (written from the
   * checkpoint after every run; an answer is checked against the checkpoint itself).
   */
  async pending(name?: string): Promise<PendingItem[]> {
    const items: PendingItem[] = [];
    if (name) items.push(...(await this.resolve(name)).meta.pending);
    else for await (const meta of this.eachThread()) if (meta.state === "waiting") items.push(...meta.pending);
    return items.sort((a, b) => (b.impact ?? 0) - (a.impact ?? 0) || a.thread.localeCompare(b.thread));
  }

  /** Every thread's meta.json, one at a time, so a large workspace is never all in memory. */
  async *eachThread(): AsyncGenerator<ThreadMeta> {
    for (const thread of await listThreadNames(this.workspace.root, this.workspace.threadsDir)) yield await this.fresh(await this.readMeta(thread));
  }

  /**
   * Answers the gate a thread waits at and runs on to the next gate or the end. With `expected` (the
   * pending item's id) the answer is only given if that very question still waits: a question
   * answered meanwhile elsewhere is reported, and nothing changes.
   */
  async answer(name: string, response: Omit<GateResponse, "at"> & { at?: string }, expected?: string): Promise<ThreadResult> {
    const { thread } = await this.resolve(name);
    // Checked first without the lease, so a refused answer touches nothing at all; checked again
    // under it, since another process may have answered meanwhile.
    await this.checkedPayload(thread, response, expected);
    return this.lockThread(thread, async () => {
      const payload = await this.checkedPayload(thread, response, expected);
      const drafter = await this.drafterFor(await this.readMeta(thread));
      const full = { ...response, at: response.at ?? this.stamp() } as GateResponse;
      const result = await this.run(thread, drafter, new Command({ resume: full }));
      // The gate checks the answer again as it takes it; one it refused leaves the same question waiting.
      const refused = result.pending.find((item) => item.node === payload.leanos.node && item.refused);
      if (refused) throw new UsageError(`${refused.refused}; nothing was changed`);
      return result;
    });
  }

  /** The gate payload the answer is for, once the answer is found fit for it. */
  private async checkedPayload(thread: string, response: Omit<GateResponse, "at"> & { at?: string }, expected?: string): Promise<GatePayload> {
    const checkpoint = await this.checkpointOf(thread);
    const payload = payloadsOf(checkpoint)[0];
    if (expected !== undefined && pendingOf(checkpoint)[0]?.id !== expected) {
      throw new AlreadyAnswered(`this question on ${thread} was answered elsewhere in the meantime; nothing was changed`);
    }
    if (!payload) {
      const meta = await this.readMeta(thread);
      const hint = started(checkpoint) && hasWorkLeft(checkpoint) ? `; its run was cut short: leanos resume ${thread} finishes it` : "; leanos pending lists what waits";
      throw new UsageError(`nothing waits on thread ${thread} (state: ${meta.state})${hint}`);
    }
    const kit = new GraphKit(this.environment(READER));
    await checkAnswer(GATES[payload.leanos.kind], payload, coerceEdit(response as GateResponse, payload.action_request.args), kit.answerContext(thread));
    return payload;
  }

  /**
   * Runs a failed or interrupted thread on from its last checkpoint (completed stages are not redone).
   * A thread with nothing left to run is settled and returned as it is: what it waits for, when its
   * next step is due, or that it is complete.
   */
  async resume(name: string): Promise<ThreadResult & { ran: boolean }> {
    const { thread } = await this.resolve(name);
    return this.lockThread(thread, async () => {
      const ran = await this.continueLocked(thread);
      return ran ? { ...ran, ran: true } : { ...(await this.settledResult(thread)), ran: false };
    });
  }

  /**
   * Links a sales thread to the marketing thread whose piece brought it in, on both sides (full
   * thread names); without a campaign, records that the lead was checked, so no pass looks again.
   */
  async attribute(lead: string, campaign: string | undefined): Promise<void> {
    await this.lockThread(lead, () =>
      this.updateMeta(
        lead,
        (meta) => ({ ...meta, attribution_checked: true, ...(campaign ? { attribution: { campaign, via: "the event names the campaign" } } : {}) }),
        { touch: false },
      ),
    );
    if (!campaign) return;
    await this.lockThread(campaign, () =>
      this.updateMeta(campaign, (meta) => ({ ...meta, attributed: [...new Set([...meta.attributed, lead])] }), { touch: false }),
    );
  }

  /** The thread graph on this workspace's checkpoints, drafting with the workspace's model: what any LangGraph client runs. */
  async graph(): Promise<ThreadGraph> {
    return this.graphFor(await this.drafterFor());
  }

  /** The gate payload a thread waits at, if any. */
  async pendingPayload(name: string): Promise<GatePayload | undefined> {
    const { thread } = await this.resolve(name);
    return payloadsOf(await this.checkpointOf(thread))[0];
  }

  /** The drafter new work in this workspace uses (for reading chat replies, among others). */
  defaultDrafter(): Promise<StageDrafter> {
    return this.drafterFor();
  }

  /** A thread's stage outputs as its files record them, by schema name (input, hypothesis...). */
  async stageOutputs(thread: string): Promise<Partial<Record<string, unknown>>> {
    const outputs: Partial<Record<string, unknown>> = {};
    const dir = this.dirOf(thread);
    for (const node of this.spec.nodes) {
      const file = node.skill.stage.file.endsWith("/") ? `${node.skill.stage.file}execution-log.md` : node.skill.stage.file;
      const path = join(dir, file);
      if (!existsSync(path)) continue;
      outputs[node.skill.stage.output] = (matter(await readText(this.workspace.root, path), {}).data as { output?: unknown }).output;
    }
    return outputs;
  }

  async threads(): Promise<ThreadMeta[]> {
    const metas: ThreadMeta[] = [];
    for await (const meta of this.eachThread()) metas.push(meta);
    return metas;
  }

  /** What a thread does next, for status output. */
  nextStep(meta: ThreadMeta): string {
    if (meta.state === "done") return "nothing: the thread is complete";
    if (meta.state === "waiting") return meta.pending.map((item) => `${gateLabel(item)} gate: ${item.question}`).join("; ") || "a human answer";
    if (meta.state === "failed") return `leanos resume ${meta.thread} (failed: ${meta.error ?? "unknown error"})`;
    if (meta.state === "scheduled") return `${meta.current_action ? `${meta.current_action.id} ${meta.current_action.type}` : "the next step"} is due ${meta.next_due} (a pass runs it)`;
    return `leanos resume ${meta.thread} (interrupted after ${meta.stage ?? "its start"})`;
  }

  close(): void {
    // The sqlite handle is released so a test can delete the workspace.
    this.checkpointer.close();
  }
}
