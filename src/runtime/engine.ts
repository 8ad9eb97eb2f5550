import { mkdir } from "node:fs/promises";
import { Command } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { editedValues, GateArgs, pendingItem, type GatePayload, type GateResponse } from "../approvals/gates.js";
import { readCanvas, type Canvas } from "../canvas/canvas.js";
import { RuntimeFailure, UsageError, describeZodIssues } from "../errors.js";
import { toolPath } from "../files/toolRoot.js";
import { buildThreadGraph, type GraphEnvironment, type ProgressEvent, type ThreadGraph } from "../graph/builder.js";
import { graphFileFor, loadGraphSpec, type GraphSpec } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { selectDrafter } from "../llm/select.js";
import type { StageDrafter } from "../llm/provider.js";
import { actionTemplates, loadSkills, type SkillSet } from "../skills/loader.js";
import type { RawEvent, StageContext } from "../stages/context.js";
import { PlannedAction, type ThreadType } from "../stages/schemas.js";
import { schemaFor } from "../stages/validate.js";
import type { PendingItem, ThreadMeta } from "../threads/meta.js";
import { slugify } from "../threads/slug.js";
import { claimThreadFolder, listThreadNames, readThreadMeta, resolveThreadName, threadDir, writeThreadMeta } from "../threads/store.js";
import { openWorkspace, type Workspace } from "../workspace/workspace.js";

export interface RuntimeOptions {
  workspace?: string;
  provider?: string;
  model?: string;
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
}

export interface ThreadResult {
  thread: string;
  state: ThreadMeta["state"];
  pending: PendingItem[];
  dir: string;
  files: string[];
}

/** One workspace opened for work: canvas, skills, graph spec and checkpoints. */
export class Runtime {
  private constructor(
    readonly workspace: Workspace,
    readonly canvas: Canvas,
    readonly skills: SkillSet,
    readonly spec: GraphSpec,
    private readonly checkpointer: SqliteSaver,
    private readonly options: RuntimeOptions,
  ) {}

  static async open(options: RuntimeOptions = {}): Promise<Runtime> {
    const workspace = await openWorkspace(options.workspace);
    const canvas = await readCanvas(workspace.canvasDir);
    const skills = await loadSkills([
      { dir: toolPath("skills"), origin: "tool" },
      { dir: workspace.skillsDir, origin: "workspace" },
    ]);
    const spec = await loadGraphSpec(graphFileFor(workspace.config.graph, toolPath("graphs"), workspace.graphsDir), skills);
    await mkdir(workspace.stateDir, { recursive: true });
    const checkpointer = SqliteSaver.fromConnString(workspace.checkpointsPath);
    return new Runtime(workspace, canvas, skills, spec, checkpointer, options);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private graphFor(drafter: StageDrafter): ThreadGraph {
    const env: GraphEnvironment = {
      workspace: this.workspace,
      canvas: this.canvas,
      skills: this.skills,
      spec: this.spec,
      drafter,
      now: () => this.now(),
      onStageWritten: (thread, stage, files) =>
        this.updateMeta(thread, (meta) => ({ ...meta, stage, files: [...new Set([...meta.files, ...files])] })),
      onModelUsage: (thread, _stage, calls) =>
        calls.length === 0
          ? Promise.resolve()
          : this.updateMeta(thread, (meta) => ({
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
            })),
      ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
    };
    return buildThreadGraph(env, this.checkpointer);
  }

  private async updateMeta(thread: string, change: (meta: ThreadMeta) => ThreadMeta): Promise<void> {
    const dir = threadDir(this.workspace.threadsDir, thread);
    const meta = await readThreadMeta(dir);
    await writeThreadMeta(dir, { ...change(meta), updated_at: this.now().toISOString() });
  }

  private drafterFor(meta?: ThreadMeta): Promise<StageDrafter> {
    const provider = this.options.provider ?? meta?.provider ?? this.workspace.config.provider;
    const model = this.options.model ?? (meta && meta.provider === provider ? meta.model : undefined) ?? this.workspace.config.model;
    return selectDrafter({ ...(provider ? { provider } : {}), ...(model ? { model } : {}) });
  }

  /** Starts a thread from a raw event and runs it until it is done or waits at a gate. */
  async startEvent(event: RawEvent, typeOverride?: ThreadType): Promise<ThreadResult> {
    if (event.text.trim().length === 0) throw new UsageError("the event is empty: give its text, --file FILE, or pipe it on stdin");
    const drafter = await this.drafterFor();
    const classification = await drafter.classify(event, this.canvas);
    const type = typeOverride ?? classification.type;
    const { thread, dir } = await claimThreadFolder(this.workspace.threadsDir, type, slugify(classification.title));
    const created = this.now().toISOString();
    const meta: ThreadMeta = {
      thread,
      type,
      slug: thread.split("/")[1]!,
      title: classification.title,
      created_at: created,
      updated_at: created,
      event: { date: event.date, source: event.source, ...(event.file ? { file: event.file } : {}) },
      graph: this.spec.name,
      provider: drafter.provider,
      model: drafter.model,
      state: "running",
      stage: null,
      impact: null,
      pending: [],
      files: [],
      usage: { calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, latency_ms: 0 },
    };
    await writeThreadMeta(dir, meta);
    const initial: Partial<ThreadGraphState> = { thread, type, today: created.slice(0, 10), event, impact: null };
    return this.run(thread, drafter, initial);
  }

  private config(thread: string) {
    return { configurable: { thread_id: thread } };
  }

  private async run(thread: string, drafter: StageDrafter, input: unknown): Promise<ThreadResult> {
    const graph = this.graphFor(drafter);
    const dir = threadDir(this.workspace.threadsDir, thread);
    try {
      await graph.invoke(input as never, this.config(thread));
    } catch (error) {
      const meta = await readThreadMeta(dir);
      const message = (error as Error).message;
      await writeThreadMeta(dir, { ...meta, state: "failed", error: message, updated_at: this.now().toISOString() });
      if (error instanceof UsageError || error instanceof RuntimeFailure) throw error;
      throw new RuntimeFailure(`thread ${thread} failed: ${message}`, { cause: error });
    }
    return this.settle(thread, graph);
  }

  /** Writes the thread's state (waiting, done) into meta.json from its checkpoint. */
  private async settle(thread: string, graph: ThreadGraph): Promise<ThreadResult> {
    const dir = threadDir(this.workspace.threadsDir, thread);
    const snapshot = await graph.getState(this.config(thread));
    const pending = this.pendingOf(snapshot);
    const values = snapshot.values as Partial<ThreadGraphState>;
    const meta = await readThreadMeta(dir);
    const state: ThreadMeta["state"] = pending.length > 0 ? "waiting" : snapshot.next.length === 0 ? "done" : "running";
    const { error: _cleared, ...rest } = meta;
    const updated: ThreadMeta = { ...rest, state, pending, impact: values.impact ?? null, updated_at: this.now().toISOString() };
    await writeThreadMeta(dir, updated);
    return { thread, state, pending, dir, files: updated.files };
  }

  private pendingOf(snapshot: Awaited<ReturnType<ThreadGraph["getState"]>>): PendingItem[] {
    return snapshot.tasks.flatMap((task) => task.interrupts.map((entry) => pendingItem(entry.value as GatePayload)));
  }

  private payloadsOf(snapshot: Awaited<ReturnType<ThreadGraph["getState"]>>): GatePayload[] {
    return snapshot.tasks.flatMap((task) => task.interrupts.map((entry) => entry.value as GatePayload));
  }

  async resolve(name: string): Promise<{ thread: string; meta: ThreadMeta }> {
    const thread = await resolveThreadName(this.workspace.threadsDir, name);
    return { thread, meta: await readThreadMeta(threadDir(this.workspace.threadsDir, thread)) };
  }

  /** What waits for a human, highest impact first; from the checkpoints, so it is always current. */
  async pending(name?: string): Promise<PendingItem[]> {
    const threads = name ? [(await this.resolve(name)).thread] : await listThreadNames(this.workspace.threadsDir);
    const items: PendingItem[] = [];
    for (const thread of threads) {
      const meta = await readThreadMeta(threadDir(this.workspace.threadsDir, thread));
      if (meta.state !== "waiting") continue;
      const snapshot = await this.graphFor(await this.drafterFor(meta)).getState(this.config(thread));
      items.push(...this.pendingOf(snapshot));
    }
    return items.sort((a, b) => (b.impact ?? 0) - (a.impact ?? 0) || a.thread.localeCompare(b.thread));
  }

  /** Answers the gate a thread waits at and runs on to the next gate or the end. */
  async answer(name: string, response: Omit<GateResponse, "at"> & { at?: string }): Promise<ThreadResult> {
    const { thread, meta } = await this.resolve(name);
    const drafter = await this.drafterFor(meta);
    const graph = this.graphFor(drafter);
    const snapshot = await graph.getState(this.config(thread));
    const payload = this.payloadsOf(snapshot)[0];
    if (!payload) throw new UsageError(`nothing waits on thread ${thread} (state: ${meta.state}); leanos pending lists what waits`);
    const args = GateArgs.parse(payload.action_request.args);
    const allowed = pendingItem(payload).allowed;
    const answerName = response.type === "response" ? "respond" : response.type === "ignore" ? "reject" : response.type;
    if (!allowed.includes(answerName)) {
      throw new UsageError(`"${answerName}" is not allowed at this gate of ${thread} (allowed: ${allowed.join(", ")})`);
    }
    if (response.type === "edit") this.checkEdit(args, editedValues(response as GateResponse));
    if (response.type === "response" && (typeof response.args !== "string" || response.args.trim().length === 0)) {
      throw new UsageError("respond needs the feedback text");
    }
    const full: GateResponse = { ...response, at: response.at ?? this.now().toISOString() } as GateResponse;
    return this.run(thread, drafter, new Command({ resume: full }));
  }

  /** Refuses an edit that touches a locked key or that the stage's schema would not accept; nothing is resumed. */
  private checkEdit(args: GateArgs, edits: Record<string, unknown>): void {
    if (Object.keys(edits).length === 0) throw new UsageError("--edit needs a JSON object of the values to change");
    for (const key of Object.keys(edits)) {
      if (!(key in args.values)) throw new UsageError(`--edit: "${key}" is not a field of this draft (fields: ${Object.keys(args.values).join(", ")})`);
      if (args.locked.includes(key)) throw new UsageError(`--edit: "${key}" is set by policy and cannot be edited`);
    }
    const merged = { ...args.values, ...edits };
    if (args.kind === "action") {
      const parsed = PlannedAction.safeParse(merged);
      if (!parsed.success) throw new UsageError(`--edit: ${describeZodIssues(parsed.error.issues)}`);
      return;
    }
    const node = this.spec.nodes.find((candidate) => candidate.skill.stage.stage === args.stage)!;
    const context = { canvas: this.canvas, actionTemplates: actionTemplates(this.skills), skill: node.skill } as StageContext;
    const parsed = schemaFor(node.skill.stage.output, context).safeParse(merged);
    if (!parsed.success) throw new UsageError(`--edit: ${describeZodIssues(parsed.error.issues)}`);
  }

  /** Runs a failed (or interrupted) thread on from its last checkpoint; completed stages are not redone. */
  async resume(name: string): Promise<ThreadResult> {
    const { thread, meta } = await this.resolve(name);
    const drafter = await this.drafterFor(meta);
    const graph = this.graphFor(drafter);
    const snapshot = await graph.getState(this.config(thread));
    if (this.payloadsOf(snapshot).length > 0) throw new UsageError(`thread ${thread} waits for a human: answer it with leanos approve / reject`);
    if (snapshot.next.length === 0) throw new UsageError(`thread ${thread} has nothing left to run (state: ${meta.state})`);
    return this.run(thread, drafter, null);
  }

  async threads(): Promise<ThreadMeta[]> {
    const names = await listThreadNames(this.workspace.threadsDir);
    return Promise.all(names.map((thread) => readThreadMeta(threadDir(this.workspace.threadsDir, thread))));
  }

  /** The graph's next node for a thread, for status output. */
  async nextStep(meta: ThreadMeta): Promise<string> {
    if (meta.state === "done") return "nothing: the thread is complete";
    if (meta.state === "waiting") return meta.pending.map((item) => `${item.kind} gate: ${item.question}`).join("; ") || "a human answer";
    if (meta.state === "failed") return `leanos resume ${meta.thread} (failed: ${meta.error ?? "unknown error"})`;
    const snapshot = await this.graphFor(await this.drafterFor(meta)).getState(this.config(meta.thread));
    return snapshot.next.join(", ") || "nothing";
  }

  close(): void {
    // The sqlite handle is released so a test can delete the workspace.
    (this.checkpointer as unknown as { db?: { close(): void } }).db?.close();
  }
}
