import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { AuditLog } from "../audit/log.js";
import { UsageError } from "../errors.js";
import { THREAD_GATES } from "../gates/registry.js";
import { buildThreadGraph } from "../graph/builder.js";
import { openForWork } from "../runtime/open.js";
import { drafterOf, promptCacheLog } from "../runtime/parts.js";
import { recordingEnvironment } from "../runtime/recorder.js";
import { clockOf } from "../service/open.js";
import { MetaStore } from "../threads/metaStore.js";
import type { Workspace } from "../workspace/workspace.js";
import type { WorkspaceStore } from "../store/store.js";
import { provesUser, TOKEN_USER } from "./apiTokens.js";
import { servedRoot, storeOf } from "./served.js";

// The thread graph as LangGraph's own server loads it (langgraph.json names this export). The server
// calls the factory for every run and every state read, with the run's config, and gives the graph
// its own checkpointer. So a run started by the server, the SDK, Studio or Agent Inbox claims its
// thread and writes the same stage files, meta.json and audit entries as `leanos event`.
//
// The run's `configurable` may say:
//   provider, model  - the drafter (else the workspace's config, else offline/anthropic by key)
//   leanos_now       - the time to act as if it were (ISO), like the CLI's --now; taken only when the
//                      server runs with LEANOS_CLIENT_CLOCK=1 (tests, replays), since a client that sets
//                      the clock could wake a thread before its due date
// Who answers a gate is the user the auth hook (auth.ts) authenticated, never a config value.

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

/**
 * Who a served run acts for: the user leanos's auth hook authenticated (src/server/auth.ts), proven
 * by the mark it left on them. A run without one (a server started without the hook, or a client
 * that put a user in its config) is refused: on the served graph nobody answers anonymously, and
 * nobody answers in a name they chose.
 */
async function authenticatedUser(store: WorkspaceStore, config: LangGraphRunnableConfig | undefined): Promise<string> {
  const user = config?.configurable?.["langgraph_auth_user"] as
    { identity?: unknown; leanos_proof?: unknown } | undefined;
  const identity = typeof user?.identity === "string" ? user.identity : undefined;
  if (
    identity &&
    TOKEN_USER.test(identity) &&
    provesUser(await store.secrets.get("api-tokens"), identity, user?.leanos_proof)
  )
    return identity;
  throw new UsageError(
    "the served graph runs only for a user leanos's auth hook authenticated: serve it with the repository's langgraph.json (auth.path) and send a token made by `leanos token NAME`",
  );
}

/** The thread a run is for, as the workspace records it, if it has been claimed: its drafter is the one it was drafted with. */
async function recordedThread(
  store: WorkspaceStore,
  workspace: Workspace,
  config: LangGraphRunnableConfig | undefined,
) {
  const id = text(config?.configurable?.["thread_id"]);
  const row = id ? await store.index.byId(id) : undefined;
  return row
    ? new MetaStore(workspace, store.index, () => new Date()).read(row.thread).catch(() => undefined)
    : undefined;
}

/** The graph of the workspace LEANOS_WORKSPACE names, drafting with the run's provider, else the thread's. */
export async function graph(config?: LangGraphRunnableConfig) {
  const opened = await openForWork(servedRoot());
  const configurable = config?.configurable ?? {};
  const store = await storeOf(opened.workspace);
  const asked = { provider: text(configurable["provider"]), model: text(configurable["model"]) };
  const fixed = process.env.LEANOS_CLIENT_CLOCK === "1" ? text(configurable["leanos_now"]) : undefined;
  const clock = clockOf(fixed === undefined ? undefined : { value: fixed, from: "configurable.leanos_now" });
  const audit = new AuditLog(opened.workspace.root, opened.workspace.auditPath);
  const drafter = await drafterOf(
    opened.workspace,
    asked,
    await recordedThread(store, opened.workspace, config),
    promptCacheLog(audit, clock ?? (() => new Date())),
  );
  const env = recordingEnvironment({ ...opened, store, drafter, audit, now: clock ?? (() => new Date()) });
  return buildThreadGraph({ ...env, who: (runConfig) => authenticatedUser(store, runConfig) }, THREAD_GATES);
}
