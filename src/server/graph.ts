import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { AuditLog } from "../audit/log.js";
import { UsageError } from "../errors.js";
import { buildThreadGraph } from "../graph/builder.js";
import { selectDrafter } from "../llm/select.js";
import { openForWork } from "../runtime/open.js";
import { recordingEnvironment } from "../runtime/recorder.js";
import { buildIndexIfNew } from "../runtime/reindex.js";
import { openStore } from "../store/open.js";
import type { WorkspaceStore } from "../store/store.js";
import type { Workspace } from "../workspace/workspace.js";

// The thread graph as LangGraph's own server loads it (langgraph.json names this export). The server
// calls the factory for every run and every state read, with the run's config, and gives the graph
// its own checkpointer. So a run started by the server, the SDK, Studio or Agent Inbox claims its
// thread and writes the same stage files, meta.json and audit entries as `leanos event`.
//
// The run's `configurable` may say:
//   provider, model  - the drafter (else the workspace's config, else offline/anthropic by key)
//   leanos_user      - who answers, for clients (Agent Inbox) that do not say
//   leanos_now       - the time to act as if it were (ISO), like the CLI's --now

// The workspace's store (thread index and slug claims; the server keeps its own checkpoints), opened
// once per process: the factory runs for every run and every state read.
const stores = new Map<string, Promise<WorkspaceStore>>();

function storeOf(workspace: Workspace): Promise<WorkspaceStore> {
  let store = stores.get(workspace.root);
  if (!store) {
    store = (async () => {
      const opened = await openStore(workspace);
      await buildIndexIfNew(workspace, opened.index);
      return opened;
    })();
    // A store that failed to open is tried again on the next call.
    store.catch(() => stores.delete(workspace.root));
    stores.set(workspace.root, store);
  }
  return store;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

/** The graph of the workspace LEANOS_WORKSPACE names, drafting with the run's provider. */
export async function graph(config?: LangGraphRunnableConfig) {
  const root = process.env.LEANOS_WORKSPACE;
  if (!root) throw new UsageError("LEANOS_WORKSPACE must name the workspace the LangGraph server serves");
  const opened = await openForWork(root);
  const configurable = config?.configurable ?? {};
  const provider = text(configurable["provider"]) ?? opened.workspace.config.provider;
  const model = text(configurable["model"]) ?? opened.workspace.config.model;
  const { model_output: output, cache_ttl: cacheTtl } = opened.workspace.config;
  const drafter = await selectDrafter({ ...(provider ? { provider } : {}), ...(model ? { model } : {}), output, cacheTtl });
  const fixed = text(configurable["leanos_now"]);
  const at = fixed ? new Date(fixed) : undefined;
  if (at && Number.isNaN(at.getTime())) throw new UsageError(`configurable.leanos_now ${fixed}: expected an ISO date or time`);
  const audit = new AuditLog(opened.workspace.root, opened.workspace.auditPath);
  const store = await storeOf(opened.workspace);
  return buildThreadGraph(recordingEnvironment({ ...opened, store, drafter, audit, now: () => at ?? new Date() }));
}
