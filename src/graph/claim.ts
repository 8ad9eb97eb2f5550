import { Command, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { RuntimeFailure, StateRefused, UsageError, describeZodIssues } from "../errors.js";
import { checkEvent, checkEventCount } from "../stages/eventLimits.js";
import { RawEvent, type ThreadType } from "../core/stageSchemas.js";
import { canonicalType, unknownTypeMessage } from "../core/threadTypes.js";
import { threadMetaIn, type ThreadMeta } from "../core/threadMeta.js";
import { indexRowOf } from "../store/indexRow.js";
import { slugify } from "../threads/slug.js";
import { claimThreadFolder } from "../threads/store.js";
import { recallLessons } from "../memory/recall.js";
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
  /**
   * A type given with the event (an opportunity's, a pattern's, `--type`) wins over the reading. It
   * must be one of the workspace's types; business and operations are one type, claimed under the
   * workspace's name of it.
   */
  type?: ThreadType | undefined;
  /** The title, when the starter has read the event already (then it is not read again). */
  title?: string | undefined;
  origin?: string | undefined;
  pattern?: ThreadMeta["pattern"] | undefined;
}

/** The start of a thread checked before anything is read or written: its event, its limits, a type the workspace knows. */
async function checkedStart(env: GraphEnvironment, id: string, start: ThreadStart, now: Date) {
  const parsed = RawEvent.safeParse(start.event);
  if (!parsed.success)
    throw new UsageError(
      `a thread starts from an event {text, date, source}: ${describeZodIssues(parsed.error.issues)}`,
    );
  const event = parsed.data;
  if (event.text.trim().length === 0)
    throw new UsageError("the event is empty: give its text, --file FILE, or pipe it on stdin");
  const { max_event_kb: maxKb, max_events_per_hour: perHour } = env.workspace.config;
  const types = env.workspace.threadTypes;
  // A type the workspace does not know is refused before anything is read or written.
  const given = start.type === undefined ? undefined : canonicalType(types, start.type);
  if (start.type !== undefined && given === undefined)
    throw new UsageError(`the thread type given with the event: ${unknownTypeMessage(types, start.type)}`);
  checkEvent(event, { maxBytes: maxKb * 1024 });
  const known = await env.store.index.byId(id);
  // A start taken up again (a retry, or the graph's claim of a thread its starter claimed) was counted when it was new.
  if (!known && !start.origin && !start.pattern && perHour > 0 && env.startedByClientsSince) {
    checkEventCount(await env.startedByClientsSince(new Date(now.getTime() - 3_600_000)), { perHour });
  }
  return { event, given, types };
}

/**
 * Names a thread after its event (a model call for model drafters, unless the starter read it
 * already) and claims its folder with meta.json, which records the LangGraph thread id `id`. A
 * folder that already records `id` is taken up, so a start cut short and tried again never makes a
 * second thread.
 */
export async function claimThread(
  env: GraphEnvironment,
  id: string,
  start: ThreadStart,
  now: Date,
): Promise<{ thread: string; meta: ThreadMeta; existing: boolean }> {
  const { event, given, types } = await checkedStart(env, id, start, now);
  const classification =
    given && start.title
      ? { type: given, title: start.title }
      : await env.drafter.classify(event, {
          canvas: env.canvas,
          skills: env.skills,
          threadTypes: types,
          lessons: await recallLessons(env.store.memory, event.text, id),
        });
  // The drafter's reading is a LeanOS kind or a type of the workspace: business, as the offline rules
  // read it, is claimed under the workspace's name of it (operations in a workspace that writes that).
  const type = given ?? canonicalType(types, classification.type);
  if (type === undefined)
    throw new RuntimeFailure(
      `the ${env.drafter.provider} drafter read the event as a thread of type ${unknownTypeMessage(types, classification.type)}`,
    );
  const created = now.toISOString();
  const metaFor = (thread: string, slug: string): ThreadMeta =>
    threadMetaIn(types).parse({
      thread,
      id,
      type,
      slug,
      title: classification.title,
      created_at: created,
      updated_at: created,
      event: {
        date: event.date,
        source: event.source,
        text: event.text,
        ...(event.file ? { file: event.file } : {}),
        ...(event.origin ? { origin: event.origin } : {}),
      },
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
      sealed: true,
    });
  const claimed = await claimThreadFolder(
    env.workspace,
    type,
    slugify(classification.title),
    metaFor,
    id,
    env.store.claims,
  );
  // Indexed every time: a start cut short between the folder and its row is mended by the retry.
  await env.store.index.put(indexRowOf(claimed.meta));
  if (!claimed.existing) await env.onThreadStarted?.(claimed.meta);
  if (!claimed.existing && "usage" in classification && classification.usage)
    await env.onModelUsage?.(claimed.thread, "classify", [classification.usage]);
  return claimed;
}

/**
 * The graph's first node: claims the thread (see claimThread) unless its starter did, so whoever
 * started the run (the CLI, a pass, LangGraph's server) leaves the same files.
 */
export function claimNode(kit: GraphKit) {
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const id = runThreadId(config);
    const known = await kit.env.store.index.byId(id);
    if (known && known.stage !== null) {
      throw new StateRefused(
        `claim_thread was reached again on ${known.thread}, which has drafted its ${known.stage} stage already; nothing was run`,
      );
    }
    // A start no runtime claimed first comes from a client of the graph: what only the workspace says
    // of a thread it starts itself (the opportunity or pattern it takes up) is not taken from it.
    const { origin: _origin, ...event } = (state.event ?? {}) as ThreadGraphState["event"];
    const start: ThreadStart = known ? state : { event, type: state.type, title: state.title };
    const claimed = await claimThread(kit.env, id, start, kit.now());
    const { meta } = claimed;
    // From here on the state is what the claim recorded, not what the run was given.
    const recorded = {
      text: meta.event.text,
      date: meta.event.date,
      source: meta.event.source,
      ...(meta.event.file ? { file: meta.event.file } : {}),
      ...(meta.event.origin ? { origin: meta.event.origin } : {}),
    };
    return new Command({
      update: {
        thread: claimed.thread,
        type: meta.type,
        title: meta.title,
        today: meta.created_at.slice(0, 10),
        impact: null,
        event: recorded,
        origin: meta.origin,
        pattern: meta.pattern,
      },
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
