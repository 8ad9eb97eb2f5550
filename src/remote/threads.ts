import { Client, type Thread } from "@langchain/langgraph-sdk";
import { AlreadyAnswered, RuntimeFailure, UsageError } from "../errors.js";
import { isGatePayload, pendingItem, type GatePayload, type GivenAnswer } from "../gates/wire.js";
import type { ThreadGraphState } from "../graph/state.js";
import type { CorrectionOptions, ThreadResult, ThreadService } from "../runtime/threadService.js";
import type { StageDrafter } from "../stages/drafter.js";
import type { RawEvent } from "../stages/context.js";
import type { ThreadType } from "../core/stageSchemas.js";
import type { PendingItem, ThreadMeta } from "../core/threadMeta.js";
import { pickThread, UUID } from "../threads/store.js";
import { DEFAULT_MAX_EVENT_KB } from "../stages/eventLimits.js";

// The CLI as a client of a LangGraph server that serves the leanos graph (`--server URL`): threads
// are started, listed and answered through @langchain/langgraph-sdk, and the server's graph writes
// the workspace it serves. The graph checks every answer itself; a refusal comes back as the same
// question with `leanos.refused`, which is reported here as a usage error, as the embedded runtime does.

/** One thread as the server has it, for `status`. */
export interface RemoteThread {
  thread: string;
  id: string;
  state: ThreadMeta["state"];
  stage: string | null;
  impact: number | null;
  pending: PendingItem[];
  next_due: string | null;
}

type Values = Partial<ThreadGraphState>;
type Interrupt = { id?: string; value?: unknown };

const PAGE = 500;

export class RemoteThreads implements ThreadService {
  private readonly client: Client;
  readonly root: string | undefined;
  readonly maxEventBytes: number;

  constructor(
    readonly url: string,
    private readonly options: {
      user: string;
      graph?: string;
      provider?: string;
      model?: string;
      /** The served workspace's folder, when this machine has it (drafts are then shown). */
      root?: string;
      maxEventBytes?: number;
    },
  ) {
    this.root = options.root;
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_KB * 1024;
    // No retries: an unreachable server is reported at once, not after a minute of backoff.
    this.client = new Client({
      apiUrl: url,
      apiKey: process.env.LANGGRAPH_API_KEY ?? null,
      callerOptions: { maxRetries: 0 },
    });
  }

  private get graph(): string {
    return this.options.graph ?? "leanos";
  }

  private config() {
    const { user, provider, model } = this.options;
    return { configurable: { leanos_user: user, ...(provider ? { provider } : {}), ...(model ? { model } : {}) } };
  }

  /** Calls the server, saying what failed in the CLI's terms: the graph's usage errors stay usage errors (exit 2). */
  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      let body: { error?: string; message?: string } | undefined;
      try {
        body = JSON.parse(message) as { error?: string; message?: string };
      } catch {
        body = undefined;
      }
      if (body?.error === "UsageError" && body.message) throw new UsageError(body.message);
      if (/fetch failed|ECONNREFUSED|ENOTFOUND/.test(message))
        throw new RuntimeFailure(`cannot reach the LangGraph server at ${this.url} (${what}): is it running?`);
      throw new RuntimeFailure(`the LangGraph server at ${this.url} failed to ${what}: ${body?.message ?? message}`);
    }
  }

  /** Every leanos thread on the server (a thread whose graph has claimed it has a name). */
  private async all(status?: Thread["status"]): Promise<Array<Thread<Values>>> {
    const found: Array<Thread<Values>> = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.call("list threads", () =>
        this.client.threads.search<Values>({ limit: PAGE, offset, ...(status ? { status } : {}) }),
      );
      found.push(...page.filter((thread) => typeof thread.values?.thread === "string"));
      if (page.length < PAGE) return found;
    }
  }

  /** The thread a person names: its name, slug or unique prefix, or the server's thread id. */
  private async find(name: string): Promise<Thread<Values>> {
    if (UUID.test(name.trim())) {
      const id = name.trim().toLowerCase();
      return this.call(`read thread ${id}`, () => this.client.threads.get<Values>(id));
    }
    const threads = await this.all();
    const thread = pickThread(
      threads.map((candidate) => candidate.values.thread!),
      name,
    );
    return threads.find((candidate) => candidate.values.thread === thread)!;
  }

  private gatesOf(thread: Thread<Values>): Array<{ id?: string; payload: GatePayload }> {
    const interrupts = Object.values(thread.interrupts ?? {}).flat() as Interrupt[];
    return interrupts
      .filter((entry) => isGatePayload(entry.value))
      .map((entry) => ({ ...(entry.id ? { id: entry.id } : {}), payload: entry.value as GatePayload }));
  }

  private pendingOf(thread: Thread<Values>): PendingItem[] {
    return this.gatesOf(thread).map((gate) => ({ ...pendingItem(gate.payload), ...(gate.id ? { id: gate.id } : {}) }));
  }

  private describe(thread: Thread<Values>): RemoteThread {
    const pending = this.pendingOf(thread);
    const values = thread.values;
    const stages = Object.keys(values.outputs ?? {});
    const state: ThreadMeta["state"] =
      thread.status === "error"
        ? "failed"
        : thread.status === "busy"
          ? "running"
          : pending.length > 0
            ? "waiting"
            : values.timer
              ? "scheduled"
              : "done";
    return {
      thread: values.thread!,
      id: thread.thread_id,
      state,
      stage: stages.at(-1) ?? null,
      impact: values.impact ?? null,
      pending,
      next_due: values.timer?.due ?? null,
    };
  }

  /** What a run left, in the shape the embedded runtime reports. */
  private async resultOf(id: string): Promise<ThreadResult> {
    const described = this.describe(await this.call(`read thread ${id}`, () => this.client.threads.get<Values>(id)));
    return {
      thread: described.thread,
      state: described.state,
      pending: described.pending,
      dir: `threads/${described.thread}`,
      files: [],
      started: [],
    };
  }

  async startEvent(event: RawEvent, type?: ThreadType): Promise<ThreadResult> {
    const created = await this.call("create a thread", () =>
      this.client.threads.create({ metadata: { source: event.source } }),
    );
    const id = created.thread_id;
    await this.call("run the event", () =>
      this.client.runs.wait(id, this.graph, { input: { event, ...(type ? { type } : {}) }, config: this.config() }),
    );
    const result = await this.resultOf(id);
    // The readable name goes into the thread's metadata too, where LangGraph's own tools show it.
    await this.call("name the thread", () =>
      this.client.threads.update(id, { metadata: { leanos_thread: result.thread } }),
    );
    return result;
  }

  async pending(name?: string): Promise<PendingItem[]> {
    const threads = name ? [await this.find(name)] : await this.all("interrupted");
    return threads
      .flatMap((thread) => this.pendingOf(thread))
      .sort((a, b) => (b.impact ?? 0) - (a.impact ?? 0) || a.thread.localeCompare(b.thread));
  }

  async threads(): Promise<RemoteThread[]> {
    return (await this.all()).map((thread) => this.describe(thread)).sort((a, b) => a.thread.localeCompare(b.thread));
  }

  async status(name: string): Promise<RemoteThread> {
    return this.describe(await this.find(name));
  }

  /** The values an edit of the question a thread waits at may change. */
  async editable(name: string): Promise<Record<string, unknown>> {
    return this.gatesOf(await this.find(name))[0]?.payload.action_request.args ?? {};
  }

  /** A thread's stage outputs, by stage. */
  async stageOutputs(name: string): Promise<Partial<Record<string, unknown>>> {
    return { ...((await this.find(name)).values.outputs ?? {}) };
  }

  /**
   * Corrects what the drafter read of a thread: a run whose input is the correction, which the
   * graph takes at its correction node (who made it is the server's authenticated user). A
   * correction the graph refused leaves the thread where it was, and the refusal is reported.
   */
  async correct(name: string, fields: unknown, options: Partial<CorrectionOptions> = {}): Promise<ThreadResult> {
    const thread = await this.find(name);
    const label = thread.values.thread!;
    const before = (thread.values.refusals ?? {})["correct_thread"];
    const correction = { fields, via: "correct", ...(options.reason ? { reason: options.reason } : {}) };
    await this.call("correct the thread", () =>
      this.client.runs.wait(thread.thread_id, this.graph, { input: { correction }, config: this.config() }),
    );
    const result = await this.resultOf(thread.thread_id);
    const refused = (await this.call(`read thread ${label}`, () => this.client.threads.get<Values>(thread.thread_id)))
      .values.refusals?.["correct_thread"];
    if (refused && refused !== before) throw new UsageError(`${refused}; nothing was changed`);
    return result;
  }

  /**
   * Answers the question a thread waits at, naming that very interrupt: an answer meant for a
   * question answered meanwhile is not taken (and is reported as such).
   */
  async answer(name: string, response: GivenAnswer, expected?: string): Promise<ThreadResult> {
    const thread = await this.find(name);
    const label = thread.values.thread!;
    const gate = this.gatesOf(thread)[0];
    if (!gate?.id)
      throw new UsageError(`nothing waits on thread ${label} (leanos --server ${this.url} pending lists what waits)`);
    if (expected !== undefined && gate.id !== expected)
      throw new AlreadyAnswered(
        `this question on ${label} was answered elsewhere in the meantime; nothing was changed`,
      );
    await this.call("resume the thread", () =>
      this.client.runs.wait(thread.thread_id, this.graph, {
        command: { resume: { [gate.id!]: { ...response, interrupt_id: gate.id! } } },
        config: this.config(),
      }),
    );
    const result = await this.resultOf(thread.thread_id);
    const same = result.pending.find((item) => item.node === gate.payload.leanos.node);
    if (same?.refused && same.id !== gate.id) throw new UsageError(`${same.refused}; nothing was changed`);
    if (same && same.id === gate.id)
      throw new AlreadyAnswered(
        `this question on ${label} was answered elsewhere in the meantime; nothing was changed`,
      );
    return result;
  }

  now(): Date {
    return new Date();
  }

  /** Free text is read by command words only: the server's model is not this process's. */
  async intentReader(): Promise<Pick<StageDrafter, "readIntent">> {
    return {};
  }

  async close(): Promise<void> {}
}
