import type { Values } from "../values/valuesFile.js";
import type { Goal } from "../goals/goals.js";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { AuditLog } from "../audit/log.js";
import type { PromptCacheOptions } from "../llm/cacheMarks.js";
import type { Canvas } from "../canvas/canvas.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import { THREAD_GATES } from "../gates/registry.js";
import { buildThreadGraph, type ThreadGraph } from "../graph/builder.js";
import type { ProgressEvent, RunContext } from "../graph/kit.js";
import type { GraphSpec } from "../graph/spec.js";
import { selectDrafter } from "../llm/select.js";
import type { SkillSet } from "../skills/loader.js";
import type { StageDrafter } from "../stages/drafter.js";
import { holdingLease } from "../store/leases.js";
import type { WorkspaceStore } from "../store/store.js";
import { MetaStore } from "../threads/metaStore.js";
import type { Workspace } from "../workspace/workspace.js";
import { recordingEnvironment } from "./recorder.js";

// What the runtime's parts share: the opened workspace, its store, the clock, the drafter a thread
// drafts with, the graph, and the thread leases. The runner, the projector, the lookup and the
// answering each take these and nothing else.

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

/** Graphs built only to read a thread's checkpoint draft nothing. */
export const READER: StageDrafter = {
  provider: "none",
  model: "none",
  classify: () => Promise.reject(new Error("a graph opened to read state drafts nothing")),
  draft: () => Promise.reject(new Error("a graph opened to read state drafts nothing")),
};

export class RuntimeParts {
  readonly audit: AuditLog;
  readonly metas: MetaStore;
  readonly checkpointer: BaseCheckpointSaver;
  private compiled: ThreadGraph | undefined;

  constructor(
    readonly workspace: Workspace,
    readonly canvas: Canvas,
    readonly skills: SkillSet,
    readonly spec: GraphSpec,
    /** Checkpoints, the thread index, leases and slug claims: SQLite or PostgreSQL (store/open.ts). */
    readonly store: WorkspaceStore,
    readonly options: RuntimeOptions,
    /** The workspace's active goals, as opened. */
    readonly goals: readonly Goal[] = [],
    /** Its value function, as opened. */
    readonly values?: Values,
  ) {
    this.audit = new AuditLog(workspace.root, workspace.auditPath);
    this.metas = new MetaStore(workspace, store.index, () => this.now());
    this.checkpointer = store.checkpointer;
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  stamp(): string {
    return this.now().toISOString();
  }

  /** The graph's environment: this workspace, the drafter, and every record wired to meta.json and the audit log. */
  environment(drafter: StageDrafter) {
    const { workspace, canvas, skills, spec, audit, goals, values } = this;
    const onProgress = this.options.onProgress;
    return recordingEnvironment({
      workspace,
      store: this.store,
      canvas,
      skills,
      spec,
      goals,
      ...(values ? { values } : {}),
      drafter,
      audit,
      now: () => this.now(),
      ...(onProgress ? { onProgress } : {}),
    });
  }

  /**
   * The thread graph on this workspace's checkpoints, compiled once: each run brings its thread's
   * drafter in its context (runConfig), and one only read drafts nothing.
   */
  get graph(): ThreadGraph {
    this.compiled ??= buildThreadGraph(this.environment(READER), THREAD_GATES, this.checkpointer);
    return this.compiled;
  }

  /** LangGraph's config of a run of a thread that drafts with `drafter`. */
  runConfig(id: string, drafter: StageDrafter) {
    return { ...this.config(id), context: { leanos: { drafter } satisfies RunContext } };
  }

  /** LangGraph's config of a thread's run. */
  config(id: string) {
    return { configurable: { thread_id: id } };
  }

  /** Runs `work` holding the thread's lease (by its LangGraph id): one process at a time runs a thread. */
  lockThread<T>(id: string, work: () => Promise<T>): Promise<T> {
    return holdingLease(this.store.leases, `thread:${id}`, work);
  }

  /** Like lockThread, but a thread busy in another process is skipped: the result is "busy". */
  async tryLockThread<T>(id: string, work: () => Promise<T>): Promise<T | "busy"> {
    const result = await holdingLease(this.store.leases, `thread:${id}`, async () => ({ value: await work() }), {
      wait: false,
    });
    return result === undefined ? "busy" : result.value;
  }

  /** The drafter of a thread: the one asked for, else the one it was drafted with, else the workspace's. */
  drafterFor(meta?: ThreadMeta): Promise<StageDrafter> {
    if (this.options.drafter) return Promise.resolve(this.options.drafter);
    return drafterOf(
      this.workspace,
      this.options,
      meta,
      promptCacheLog(this.audit, () => this.now()),
    );
  }
}

/** The drafter a thread drafts with: the model asked for, else the one it was drafted with, else the workspace's. */
export function drafterOf(
  workspace: Workspace,
  asked: { provider?: string | undefined; model?: string | undefined },
  meta?: Pick<ThreadMeta, "provider" | "model">,
  cacheLog?: Pick<PromptCacheOptions, "recent" | "now">,
): Promise<StageDrafter> {
  const provider = asked.provider ?? meta?.provider ?? workspace.config.provider;
  const model = asked.model ?? (meta && meta.provider === provider ? meta.model : undefined) ?? workspace.config.model;
  return selectDrafter({
    ...(provider ? { provider } : {}),
    ...(model ? { model } : {}),
    output: workspace.config.model_output,
    promptCache: { setting: workspace.config.cache_ttl, ...cacheLog },
  });
}

/** What a model drafter plans its prompt cache from: the model calls the audit log records, and the run's clock. */
export function promptCacheLog(audit: AuditLog, now: () => Date): Pick<PromptCacheOptions, "recent" | "now"> {
  return {
    now,
    recent: async (since) =>
      (await audit.readSince(since)).flatMap((entry) => (entry.kind === "model-call" ? [entry] : [])),
  };
}
