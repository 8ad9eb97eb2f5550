import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { UsageError, describeZodIssues } from "../errors.js";
import { RawEvent, type ThreadType } from "../stages/schemas.js";
import { ThreadMeta } from "../threads/meta.js";
import { indexRowOf } from "../store/indexRow.js";
import { slugify } from "../threads/slug.js";
import { claimThreadFolder } from "../threads/store.js";
import { stageNodeName, type GraphEnvironment, type GraphKit } from "./kit.js";
import type { ThreadGraphState } from "./state.js";

/** The LangGraph thread id a run works on: every runtime puts it in the run's config. */
export function runThreadId(config: LangGraphRunnableConfig | undefined): string {
  const id = config?.configurable?.["thread_id"];
  if (typeof id !== "string" || id.length === 0) throw new UsageError("a thread run needs configurable.thread_id");
  return id;
}

/** What a thread is started from: the event, and what its starter already knows of it. */
export interface ThreadStart {
  event: unknown;
  /** A type given with the event (an opportunity's, a pattern's, `--type`) wins over the reading. */
  type?: ThreadType | undefined;
  /** The title, when the starter has read the event already (then it is not read again). */
  title?: string | undefined;
  origin?: string | undefined;
  pattern?: ThreadMeta["pattern"] | undefined;
}

/**
 * Names a thread after its event (a model call for model drafters, unless the starter read it
 * already) and claims its folder with meta.json, which records the LangGraph thread id `id`. A
 * folder that already records `id` is taken up, so a start cut short and tried again never makes a
 * second thread.
 */
export async function claimThread(env: GraphEnvironment, id: string, start: ThreadStart, now: Date): Promise<{ thread: string; meta: ThreadMeta; existing: boolean }> {
  const parsed = RawEvent.safeParse(start.event);
  if (!parsed.success) throw new UsageError(`a thread starts from an event {text, date, source}: ${describeZodIssues(parsed.error.issues)}`);
  const event = parsed.data;
  if (event.text.trim().length === 0) throw new UsageError("the event is empty: give its text, --file FILE, or pipe it on stdin");
  const classification = start.type && start.title ? { type: start.type, title: start.title } : await env.drafter.classify(event, { canvas: env.canvas, skills: env.skills });
  const type = start.type ?? classification.type;
  const created = now.toISOString();
  const metaFor = (thread: string, slug: string): ThreadMeta =>
    ThreadMeta.parse({
      thread,
      id,
      type,
      slug,
      title: classification.title,
      created_at: created,
      updated_at: created,
      event: { date: event.date, source: event.source, text: event.text, ...(event.file ? { file: event.file } : {}), ...(event.origin ? { origin: event.origin } : {}) },
      graph: env.spec.name,
      provider: env.drafter.provider,
      model: env.drafter.model,
      state: "running",
      stage: null,
      impact: null,
      pending: [],
      files: [],
      ...(start.origin ? { origin: start.origin } : {}),
      ...(start.pattern ? { pattern: start.pattern } : {}),
    });
  const claimed = await claimThreadFolder(env.workspace.root, env.workspace.threadsDir, type, slugify(classification.title), metaFor, id, env.store.claims);
  // Indexed every time: a start cut short between the folder and its row is mended by the retry.
  await env.store.index.put(indexRowOf(claimed.meta));
  if (!claimed.existing) await env.onThreadStarted?.(claimed.meta);
  if (!claimed.existing && "usage" in classification && classification.usage) await env.onModelUsage?.(claimed.thread, "classify", [classification.usage]);
  return claimed;
}

/**
 * The graph's first node: claims the thread (see claimThread) unless its starter did, so whoever
 * started the run (the CLI, a pass, LangGraph's server) leaves the same files.
 */
export function claimNode(kit: GraphKit) {
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const claimed = await claimThread(kit.env, runThreadId(config), state, kit.now());
    return new Command({
      update: { thread: claimed.thread, type: claimed.meta.type, title: claimed.meta.title, today: claimed.meta.created_at.slice(0, 10), impact: null },
      goto: stageNodeName(kit.env.spec.nodes[0]!),
    });
  };
}

/** The graph's last node: the thread is complete. */
export function finishNode(kit: GraphKit) {
  return async (state: ThreadGraphState) => {
    await kit.env.onFinished?.(state.thread, state);
    return {};
  };
}
