import { join } from "node:path";
import { Command, END, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { UsageError, describeZodIssues } from "../errors.js";
import { refuse } from "../core/refusal.js";
import { removePath } from "../files/atomic.js";
import {
  CorrectionRequest,
  firstCorrectedStage,
  readingOf,
  type CorrectionRecord,
  type Reading,
  type ReadingFields,
} from "../core/reading.js";
import { checkCorrection } from "./correction.js";
import { retypeThread } from "../threads/retype.js";
import { threadDir } from "../threads/store.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { CORRECT_NODE, gateNodeName, stageNodeName, type GraphKit } from "../graph/kit.js";
import { outputsBySchema, type GraphNode } from "../graph/spec.js";
import { runThreadId } from "../graph/claim.js";
import type { ThreadGraphState } from "../graph/state.js";

/**
 * Whether the thread has acted: an action ran or was answered, its learning was drafted, or a
 * canvas change was planned. Until then a correction redrafts; after, it is recorded only.
 */
export function hasActed(kit: GraphKit, state: ThreadGraphState): boolean {
  const outputs = outputsBySchema(kit.env.spec, state.outputs);
  const actions: PlannedAction[] = outputs.actions?.actions ?? [];
  return (
    actions.some(
      (action) => action.status !== "pending" || (action.artifacts?.length ?? 0) > 0 || action.started !== undefined,
    ) ||
    Object.keys(state.action_reviews).length > 0 ||
    Object.keys(state.opportunity_reviews).length > 0 ||
    Object.keys(state.canvas_apply).length > 0 ||
    outputs.learning !== undefined
  );
}

/** Where the thread was: what its last node handed over to (a sleeping thread's timer wakes it later). */
function whereItWas(kit: GraphKit, state: ThreadGraphState): string {
  const sealedNext = state.seal?.next ?? END;
  if (sealedNext === state.timer?.node) return END;
  if (sealedNext !== CORRECT_NODE) return sealedNext;
  // A correction an edit at the decision gate handed over goes back to that gate if it is refused.
  const decision = kit.env.spec.nodes.find(
    (node) => node.skill.stage.output === "decision" && node.gates.includes("impact"),
  );
  return decision ? gateNodeName(decision, "impact") : END;
}

/**
 * The correction node: checks the correction against the thread's reading, then either redrafts
 * from the first stage it corrects (moving the thread's folder when its type changes), or, once the
 * thread has acted, records it and goes back to where the thread was. A correction it refuses is
 * recorded as refused and the thread goes back to where it was, unchanged.
 */
export function correctNode(kit: GraphKit) {
  return async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const parsed = CorrectionRequest.safeParse(state.correction);
    // A correction that is not one (a served client's) is refused where it came in, as any wrong value is.
    const request = parsed.success
      ? parsed.data
      : { fields: {}, via: "correct" as const, reason: undefined, by: undefined, at: undefined };
    const by = kit.env.who ? await kit.env.who(config) : (request.by ?? kit.answerDefaults(config).by);
    // leanos correct stamps it when the person gives it; a served client's stamp is not taken.
    const at = (!kit.env.who && request.at) || kit.now().toISOString();
    const back = whereItWas(kit, state);
    const outputs = outputsBySchema(kit.env.spec, state.outputs);
    const reading = readingOf(state.type, outputs);
    let fields: ReadingFields;
    try {
      if (!parsed.success) refuse(null, `not a correction: ${describeZodIssues(parsed.error.issues)}`);
      fields = checkCorrection(
        request.fields,
        kit.env.canvas,
        reading,
        kit.env.workspace.threadTypes,
        (kit.env.goals ?? []).map((goal) => goal.front.id),
      );
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      // Said in the run's state, where the client that sent it reads why nothing changed (leanos correct
      // checks the same before it sends, so only another client's correction is refused here).
      return new Command({ update: { correction: null, refusals: { [CORRECT_NODE]: error.message } }, goto: back });
    }
    const base = {
      at,
      by,
      read_as: state.type,
      fields,
      via: request.via,
      ...(request.reason ? { reason: request.reason } : {}),
    };
    const acted = hasActed(kit, state);
    const relinking = await relinkOnly(kit, state, fields, { base, acted, reading, back, by, reason: request.reason });
    if (relinking) return relinking;
    if (acted) {
      await kit.env.onCorrected?.(state.thread, { ...base, after_acting: true }, reading);
      return new Command({ update: { correction: null, refusals: { [CORRECT_NODE]: null } }, goto: back });
    }
    const { type: newType, ...pinned } = fields;
    let thread = state.thread;
    // checkCorrection named the type as the workspace does: the thread lands in the folder it writes.
    if (newType !== undefined && newType !== state.type) {
      const { workspace, store } = kit.env;
      thread = await retypeThread(
        { ...workspace, claims: store.claims, index: store.index },
        runThreadId(config),
        state.thread,
        newType,
      );
    }
    const first = firstCorrectedStage(fields);
    const node =
      kit.env.spec.nodes.find((candidate) => candidate.skill.stage.output === first) ?? kit.env.spec.nodes[0]!;
    await removeLaterDrafts(kit, thread, node);
    await kit.env.onCorrected?.(
      thread,
      { ...base, after_acting: false, redrafts_from: node.skill.stage.stage },
      reading,
    );
    return new Command({
      update: {
        correction: null,
        refusals: { [CORRECT_NODE]: null },
        thread,
        type: newType ?? state.type,
        pins: { ...(state.pins ?? {}), ...pinned },
      },
      goto: stageNodeName(node),
    });
  };
}

/**
 * A correction of the goal link alone, or one after the thread acted: the link changes no draft, so it is
 * set where it is kept (the input and its file, the pin every redraft keeps), and the thread goes back to
 * where it was. Undefined for any other correction.
 */
async function relinkOnly(
  kit: GraphKit,
  state: ThreadGraphState,
  fields: ReadingFields,
  at: {
    base: Omit<CorrectionRecord, "after_acting">;
    acted: boolean;
    reading: Reading;
    back: string;
    by: string;
    reason: string | undefined;
  },
): Promise<Command | undefined> {
  if (fields.goal === undefined || (!at.acted && Object.keys(fields).length > 1)) return undefined;
  const outputs = await relink(kit, state, fields.goal, at.by, at.reason);
  await kit.env.onCorrected?.(state.thread, { ...at.base, after_acting: at.acted }, at.reading);
  const pins = { ...(state.pins ?? {}), goal: fields.goal };
  return new Command({
    update: { correction: null, refusals: { [CORRECT_NODE]: null }, outputs, pins },
    goto: at.back,
  });
}

/** The input's goal link as a person set it (null: none), its stage file written again; the outputs to update. */
async function relink(
  kit: GraphKit,
  state: ThreadGraphState,
  goal: string | null,
  by: string,
  reason: string | undefined,
): Promise<Record<string, unknown>> {
  const node = kit.env.spec.nodes.find((candidate) => candidate.skill.stage.output === "input");
  const input = node ? (state.outputs[node.skill.stage.stage] as Record<string, unknown> | undefined) : undefined;
  if (!node || !input) return {};
  const link = goal === null ? null : { id: goal, reason: `linked by ${by}${reason ? `: ${reason}` : ""}` };
  const outputs = { [node.skill.stage.stage]: { ...input, goal: link } };
  await kit.writeFiles({ ...state, outputs: { ...state.outputs, ...outputs } }, node);
  return outputs;
}

/** The drafts of stages after the decision (the actions' plan, the learning) are gone with the decision they followed. */
async function removeLaterDrafts(kit: GraphKit, thread: string, from: GraphNode): Promise<void> {
  const nodes = kit.env.spec.nodes;
  const decision = nodes.find((candidate) => candidate.skill.stage.output === "decision") ?? from;
  const dir = threadDir(kit.env.workspace.threadsDir, thread);
  for (const node of nodes.slice(nodes.indexOf(decision) + 1))
    await removePath(kit.env.workspace.root, join(dir, node.skill.stage.file));
}
