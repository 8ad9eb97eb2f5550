import { join } from "node:path";
import { Command, END, isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { StateRefused } from "../errors.js";
import { describeFailure } from "../failure.js";
import { TMP_DIR, withinWriteScope, type WriteScope } from "../files/atomic.js";
import { ThreadMeta } from "../core/threadMeta.js";
import { readThreadMeta } from "../threads/metaFile.js";
import { threadDir } from "../threads/store.js";
import { runThreadId } from "./claim.js";
import { CLAIM_NODE, type GraphKit } from "./kit.js";
import { foldUpdate, sealHolds, sealOf } from "./seal.js";
import type { ThreadGraphState } from "./state.js";
import { CORRECT_NODE } from "./kit.js";
import { retypedName } from "../threads/retype.js";
import { canonicalType } from "../core/threadTypes.js";

// The served graph's trust boundary. Anything in a thread's state can be set by a LangGraph client,
// so every node is guarded: before it acts, it checks that its run's thread is the one the state
// names (the claim, keyed by the server's thread id, is the truth), that the state is what the last
// node left (its seal), and that it is the node the graph meant to run next. After it acts, the state
// it leaves is sealed again. While it acts, it writes only its own thread's folder, the canvas and
// artifacts/. A node that finds otherwise refuses, and the thread records why.

/** A thread's name as meta.json holds it: its folder is threads/{type}/{slug}, nothing else. */
const THREAD_NAME = ThreadMeta.shape.thread;

type NodeFn = (state: ThreadGraphState, config?: LangGraphRunnableConfig) => Promise<unknown>;

/**
 * What the workspace's store says of a run's thread, looked up once per process and again when it
 * seems to differ: a claim moves only when a correction changes the thread's type.
 */
class Claims {
  private readonly names = new Map<string, string>();
  private key: Promise<string> | undefined;

  constructor(private readonly kit: GraphKit) {}

  sealKey(): Promise<string> {
    this.key ??= this.kit.env.store.secrets.get("state-seal");
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  async threadOf(id: string, fresh = false): Promise<string | undefined> {
    const known = fresh ? undefined : this.names.get(id);
    if (known) return known;
    const row = await this.kit.env.store.index.byId(id);
    if (row) this.names.set(id, row.thread);
    return row?.thread;
  }
}

const claimsOf = new WeakMap<GraphKit, Claims>();
const claimsFor = (kit: GraphKit): Claims => {
  let claims = claimsOf.get(kit);
  if (!claims) claimsOf.set(kit, (claims = new Claims(kit)));
  return claims;
};

/** Where a node of `thread` may write: its own folder, the canvas, artifacts/, the temp folder and the audit log. */
function threadWriteScope(kit: GraphKit, thread: string | undefined, node: string, movingTo?: string): WriteScope {
  const { workspace } = kit.env;
  if (thread !== undefined && !THREAD_NAME.safeParse(thread).success)
    throw new StateRefused(`${JSON.stringify(thread)} is not a thread's name (type/slug); nothing was written`);
  const rel = (path: string): string =>
    path
      .slice(workspace.root.length + 1)
      .split("\\")
      .join("/");
  const own =
    thread === undefined ? `${rel(workspace.threadsDir)}/` : `${rel(threadDir(workspace.threadsDir, thread))}/`;
  return {
    writer: `the graph's node ${node}`,
    allowed: [
      own,
      ...(movingTo ? [`${rel(threadDir(workspace.threadsDir, movingTo))}/`] : []),
      "strategy/canvas/",
      // The learning writes what it measured into the goal the thread serves, and moves a goal it
      // completes (graph/goalProgress.ts).
      "strategy/goals/active/",
      "strategy/goals/completed/",
      "artifacts/",
      `${rel(join(workspace.root, TMP_DIR))}/`,
      rel(workspace.auditPath),
    ],
    forbidden: [`${rel(workspace.stateDir)}/`, ".git/"],
  };
}

/**
 * Checks what a node is given before it acts, and returns the run's thread (undefined for a thread
 * the claim node has yet to claim).
 */
async function verify(kit: GraphKit, name: string, state: ThreadGraphState, id: string): Promise<string | undefined> {
  const claims = claimsFor(kit);
  let claimed = await claims.threadOf(id);
  if (claimed !== undefined && state.thread !== claimed) claimed = await claims.threadOf(id, true);
  if (name === CLAIM_NODE) {
    // Only a thread nothing has run on yet is claimed; its state has no seal (the claim node makes the first).
    if (state.seal)
      throw new StateRefused(
        `${CLAIM_NODE} was reached out of order: this thread${claimed ? ` (${claimed})` : ""} was claimed already; nothing was run`,
      );
    return undefined;
  }
  if (!claimed)
    throw new StateRefused(
      `no thread was claimed for this run (thread id ${id}); a thread starts with its event, at ${CLAIM_NODE}`,
    );
  // A correction cut short while it moved the thread to its new type's folder finds it there.
  const moving = name === CORRECT_NODE && claimed === movedTo(kit, state);
  if (state.thread !== claimed && !moving) {
    throw new StateRefused(
      `the state names thread ${JSON.stringify(state.thread)}, but this run's thread is ${claimed}: state set from outside the graph is refused; nothing was written`,
    );
  }
  const key = await claims.sealKey();
  if (!state.seal) {
    // Threads started before states were sealed carry none; every thread since records that it is sealed.
    const meta = await readThreadMeta(
      kit.env.workspace.root,
      threadDir(kit.env.workspace.threadsDir, claimed),
      kit.env.workspace.threadTypes,
    );
    if (meta.sealed)
      throw new StateRefused(
        `the state of ${claimed} has lost its seal: it was changed from outside the graph; nothing was run`,
      );
    return claimed;
  }
  if (!sealHolds(key, id, state)) {
    throw new StateRefused(
      `the state of ${claimed} is not the one its graph left: it was changed from outside the graph (updateState or a command's update); nothing was run`,
    );
  }
  // A correction enters wherever the thread stands; it goes back there itself (correct.ts).
  if (state.seal.next !== name && name !== CORRECT_NODE) {
    throw new StateRefused(
      `${name} was reached out of order on ${claimed}: the graph runs ${state.seal.next === END ? "nothing more" : state.seal.next} next; nothing was run`,
    );
  }
  return state.thread;
}

/** Where a correction of a new type moves the state's thread, if it asks for one: the type as the workspace names it (business and operations are one). */
function movedTo(kit: GraphKit, state: ThreadGraphState): string | undefined {
  const type = (state.correction?.fields as { type?: unknown } | undefined)?.type;
  const named = typeof type === "string" ? canonicalType(kit.env.workspace.threadTypes, type) : undefined;
  return named !== undefined && typeof state.thread === "string" ? retypedName(state.thread, named) : undefined;
}

/** A node's result with the state it leaves sealed, naming the node the graph runs next. */
async function sealed(
  kit: GraphKit,
  result: unknown,
  state: ThreadGraphState,
  id: string,
  staticNext: string | undefined,
): Promise<unknown> {
  const key = await claimsFor(kit).sealKey();
  const isCommand = result instanceof Command;
  const update = ((isCommand ? result.update : result) ?? {}) as Record<string, unknown>;
  const goto = isCommand ? result.goto : staticNext;
  const target = Array.isArray(goto) ? goto[0] : goto;
  if (typeof target !== "string")
    throw new Error(`a guarded node must name one node to go to (got ${JSON.stringify(goto)})`);
  const left = foldUpdate(state, update);
  // A run that ends hands over to the node its timer wakes (a thread asleep until a due date), or to nothing.
  const next = target === END ? (left.timer?.node ?? END) : target;
  const seal = sealOf(key, id, left, next);
  return isCommand ? new Command({ update: { ...update, seal }, goto: result.goto }) : { ...update, seal };
}

/**
 * A node of the thread graph behind the trust boundary: verified on entry, its writes held to its
 * thread's places, its state sealed on exit, and its failure (a refusal included) recorded in the
 * run's own thread.
 */
export function guardedNode(kit: GraphKit, name: string, fn: NodeFn, staticNext?: string): NodeFn {
  return async (state, config) => {
    const id = runThreadId(config);
    let thread: string | undefined;
    try {
      await kit.env.who?.(config);
      thread = await verify(kit, name, state, id);
      const movingTo = name === CORRECT_NODE ? movedTo(kit, state) : undefined;
      const result = await withinWriteScope(threadWriteScope(kit, thread, name, movingTo), () => fn(state, config));
      return await sealed(kit, result, state, id, staticNext);
    } catch (error) {
      if (!isGraphBubbleUp(error) && thread) await kit.env.onFailed?.(thread, describeFailure(error).message);
      else if (error instanceof StateRefused) {
        const claimed = await claimsFor(kit)
          .threadOf(id)
          .catch(() => undefined);
        if (claimed) await kit.env.onFailed?.(claimed, error.message);
      }
      throw error;
    }
  };
}
