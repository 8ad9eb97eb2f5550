import { UsageError } from "../errors.js";
import type { Runtime } from "../runtime/engine.js";
import type { RuntimeOptions } from "../runtime/parts.js";
import type { ThreadService } from "../runtime/threadService.js";

// The one way every front end (the CLI, the chat session, the web inbox, LangGraph's server) opens
// a workspace's threads: the embedded runtime on the workspace, or a LangGraph server's client. The
// clock a client asks for is parsed here, once, and a user is always named.

export interface ServiceOptions extends Omit<RuntimeOptions, "now"> {
  /** Who acts: the person at the CLI or chat, the web inbox's token user; a thread service needs one. */
  user?: string;
  /** A LangGraph server that serves the workspace (its URL); the embedded runtime without it. */
  server?: string;
  /** The time to act as if it were (an ISO date or time), and where it was given, for the error. */
  now?: { value: string; from: string } | (() => Date);
}

/** The clock a client asked for; a value that is not a date is refused, naming where it came from. */
export function clockOf(now: ServiceOptions["now"]): (() => Date) | undefined {
  if (now === undefined || typeof now === "function") return now;
  const at = new Date(now.value);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(
      `${now.from} ${now.value}: expected a date or time such as 2026-12-01 or 2026-12-01T08:00:00Z`,
    );
  return () => at;
}

/** The embedded runtime of a workspace, for the front ends that read it beyond what the service offers (pages, passes). */
export async function openRuntime(options: ServiceOptions): Promise<Runtime> {
  const { user: _user, server: _server, now, ...rest } = options;
  const clock = clockOf(now);
  const { Runtime } = await import("../runtime/engine.js");
  return Runtime.open({ ...rest, ...(clock ? { now: clock } : {}) });
}

/** The workspace's threads, through the server when one is named, else on the workspace itself. */
export async function openThreadService(options: ServiceOptions): Promise<ThreadService> {
  if (!options.user) throw new UsageError("a user must be named to act on threads");
  if (!options.server) return openRuntime(options);
  const [{ RemoteThreads }, { openWorkspace }, { DEFAULT_MAX_EVENT_KB }] = await Promise.all([
    import("../remote/threads.js"),
    import("../workspace/workspace.js"),
    import("../stages/eventLimits.js"),
  ]);
  // Drafts are shown when this machine has the served workspace (a shared folder, or the same machine).
  const local = options.workspace ? await openWorkspace(options.workspace) : undefined;
  return new RemoteThreads(options.server, {
    user: options.user,
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.model ? { model: options.model } : {}),
    ...(local ? { root: local.root } : {}),
    maxEventBytes: (local?.config.max_event_kb ?? DEFAULT_MAX_EVENT_KB) * 1024,
  });
}

/** Runs `work` on what was opened for it (a runtime or a thread service), and always closes it. */
export async function using<Opened extends { close(): Promise<void> }, T>(
  opening: Promise<Opened>,
  work: (opened: Opened) => Promise<T>,
): Promise<T> {
  const opened = await opening;
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
