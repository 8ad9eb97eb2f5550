import { ownTexts } from "../actions/valuesGate.js";
import { Command, END, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { connectorFor } from "../actions/connectors.js";
import { inputWait, missingInputs, prepareAction, runAction, type ExecutionEnv } from "../actions/executor.js";
import { InputWait, stillMissing } from "../actions/inputs.js";
import { readPublishable, unpublishableReason } from "../actions/publishable.js";
import { actionView } from "../actions/view.js";
import { z } from "zod";
import { refuse } from "../core/refusal.js";
import { IsoDate } from "../core/stageSchemas.js";
import { sendsOut } from "../core/policy.js";
import { checkEditedDraft } from "./check.js";
import { askPerson, type GateDefinition, type GateNode } from "./definition.js";
import { OneLine } from "./fields.js";
import type { GateKind } from "../core/gateKind.js";
import type { GateQuestion } from "./wire.js";
import type { ActionTemplate } from "../stages/context.js";
import type { ActionsOutput, PlannedAction } from "../core/stageSchemas.js";
import { threadDir } from "../threads/store.js";
import type { LogEntry } from "../threads/stageFiles.js";
import { gateEntryName, gateNodeName, type GraphKit } from "../graph/kit.js";
import { runThreadId } from "../graph/claim.js";
import type { Lessons } from "../memory/recall.js";
import { outputOf, type GraphNode } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { nextActionStep, type ActionStep, type ActionStepInput, type StepDone } from "./actionSteps.js";
import { actionToAsk, callsAfterStep, checkDue, templateOf } from "./actionPlan.js";
import { actionQuestion, blockedQuestion, readActionAnswer, type AskedAt } from "./actionQuestions.js";

// The action engine: one node runs the plan an action at a time (AI actions execute and produce
// artifacts; each outcome routes to the next action as its template says), and one node asks a
// person wherever an action needs one. Each step is its own checkpoint. An AI action that lacks its
// inputs is `blocked`: it asks a person what to do instead of closing on an empty result. What
// happens next is decided by a pure function (actionSteps.ts); the nodes here read the state, do the
// I/O a step asks for, and save what it returns.

const ActionEdit = z.object({
  title: OneLine,
  due: IsoDate,
  note: z.string().max(2000),
  outcome: z.string().optional(),
});
/** The documents a send sends, set by policy in the question (`locked`): an accept is checked against them as they are then. */
const Sends = z.array(z.string()).optional();

/**
 * The action engine as a gate: a person approves an action whose template needs one (title, due date
 * and note may be edited), or carries it out and reports its outcome, which must be one the
 * template routes. For an action blocked on its inputs, an accept says the inputs are there now (and
 * is refused while they are not), and a reported outcome is the person's own result.
 */
export const actionsGate: GateDefinition = {
  nodes: (kit, node, kind) => actionNodes(kit, node, kind),
  checkEdit: (payload, edits) => {
    const outcomes = payload.leanos.outcomes;
    checkEditedDraft(
      payload,
      edits,
      ActionEdit.superRefine((value, ctx) => {
        if (value.outcome === undefined || value.outcome === "") return;
        if (!outcomes) ctx.addIssue({ code: "custom", path: ["outcome"], message: "this action reports no outcome" });
        else if (!outcomes.includes(value.outcome))
          ctx.addIssue({
            code: "custom",
            path: ["outcome"],
            message: `"${value.outcome}" is not an outcome of this action (its outcomes: ${outcomes.join(", ")})`,
          });
      }),
    );
  },
  checkTaken: async (payload, edits, context) => {
    const { outcomes } = payload.leanos;
    const waiting = InputWait.safeParse(payload.leanos.locked.waits_for);
    if (waiting.success) {
      if (edits.outcome) return;
      // Read now, as the person left the workspace: an accept runs the action again only with its inputs.
      const missing = await stillMissing(context.workspaceRoot, waiting.data);
      const report = outcomes?.length ? `; or report its outcome yourself (one of ${outcomes.join(", ")})` : "";
      if (missing)
        refuse(
          null,
          `${payload.leanos.action_id ?? "this action"} of ${context.thread} still waits: ${missing.reason}; ${missing.add}${report}`,
        );
      return;
    }
    if (outcomes && outcomes.length > 1 && !edits.outcome) {
      refuse("outcome", "report what happened", outcomes);
    }
    // A send goes out when it is accepted, so the files are read now, as the person left them.
    const sends = Sends.parse(payload.leanos.locked.sends);
    if (sends) {
      const { problems } = await readPublishable(context.workspaceRoot, sends);
      if (problems.length > 0)
        refuse(
          null,
          `${payload.leanos.action_id ?? "this action"} of ${context.thread} cannot be sent: ${unpublishableReason(problems)}`,
        );
    }
  },
};

/** One action engine's nodes and what they share: the graph's kit, the stage, and where each step goes. */
interface Engine {
  kit: GraphKit;
  node: GraphNode;
  kind: GateKind;
  stage: string;
  /** The node that runs the plan, the one that asks a person, the one that waits for a check's day. */
  run: string;
  ask: string;
  wait: string;
  /** Where the thread goes once no action is open. */
  after: string;
}

function actionNodes(kit: GraphKit, node: GraphNode, kind: GateKind): GateNode[] {
  const stage = node.skill.stage.stage;
  const engine: Engine = {
    kit,
    node,
    kind,
    stage,
    run: gateEntryName(node, kind),
    ask: gateNodeName(node, kind),
    wait: `wait_${stage}`,
    after: kit.after(node, kind),
  };
  return [
    {
      name: engine.run,
      fn: (state, config) => runNode(engine, state, config),
      ends: [engine.run, engine.ask, engine.wait, engine.after],
    },
    { name: engine.ask, fn: (state, config) => askNode(engine, state, config), ends: [engine.run, engine.ask] },
    { name: engine.wait, fn: (state) => waitNode(engine, state), ends: [engine.run, END] },
  ];
}

function envFor(engine: Engine, state: ThreadGraphState, lessons?: Lessons): ExecutionEnv {
  const { kit } = engine;
  return {
    context: { ...kit.contextFor(state, engine.node), ...(lessons ? { lessons } : {}) },
    threadDir: threadDir(kit.env.workspace.threadsDir, state.thread),
    connector: connectorFor(kit.env.workspace.config, kit.env.workspace.root),
    siteUrl: kit.env.workspace.config.site_url,
    now: kit.now(),
    drafter: kit.env.drafter,
    onUsage: async (label, usage) => kit.env.onModelUsage?.(state.thread, label, [usage]),
  };
}

const planOf = (engine: Engine, state: ThreadGraphState): ActionsOutput =>
  outputOf(state.outputs, engine.node, "actions")!;

/** Saves the plan, its files and log, and goes on to `goto`. */
async function commit(
  engine: Engine,
  state: ThreadGraphState,
  plan: ActionsOutput,
  entries: LogEntry[],
  goto: string,
  extra: Record<string, unknown> = {},
): Promise<Command> {
  const log = [...state.action_log, ...entries];
  await engine.kit.writeFiles(
    { ...state, outputs: { ...state.outputs, [engine.stage]: plan }, action_log: log },
    engine.node,
    { log },
  );
  return new Command({ update: { outputs: { [engine.stage]: plan }, action_log: entries, ...extra }, goto });
}

/** Runs the plan one step: what happens next is nextActionStep's; this does its I/O and saves the result. */
async function runNode(engine: Engine, state: ThreadGraphState, config?: LangGraphRunnableConfig) {
  const { kit } = engine;
  const plan = planOf(engine, state);
  const input: ActionStepInput = {
    thread: state.thread,
    plan,
    templates: kit.templates,
    reviews: state.action_reviews,
    now: kit.now(),
    titleView: (action, template, actions) => actionView(kit.contextFor(state, engine.node), action, template, actions),
  };
  let step = nextActionStep(input);
  if (step.kind === "done") return new Command({ goto: engine.after });
  if (step.kind === "ask") return new Command({ goto: engine.ask });
  if (step.kind === "prepare" || step.kind === "run")
    step = nextActionStep({ ...input, done: await perform(engine, state, plan, step, config) });
  if (!("plan" in step)) throw new Error(`the action engine asked for ${step.kind} again after doing it`);
  return commit(engine, state, step.plan, step.entries, engine[step.goto]);
}

/** The I/O a step asks for: the material a person needs, or the action's run (or its check's). */
async function perform(
  engine: Engine,
  state: ThreadGraphState,
  plan: ActionsOutput,
  step: Extract<ActionStep, { kind: "prepare" | "run" }>,
  config?: LangGraphRunnableConfig,
): Promise<StepDone> {
  const { kit } = engine;
  const { action } = step;
  const template = templateOf(kit.templates, action.type);
  // A model finishing the action's documents reads what the memory teaches of the event, as its stages did.
  const env = {
    ...envFor(engine, state, await kit.lessonsFor(state.event.text, runThreadId(config))),
    following: callsAfterStep(step, plan, kit.templates, engine.node.next !== undefined),
  };
  if (step.kind === "prepare") return { prepared: await prepareAction(env, action, template, plan.actions) };
  const stage = `${action.id} ${action.type}${step.check !== undefined ? ` day ${step.check}` : ""}`;
  kit.env.onProgress?.({ kind: "stage-start", thread: state.thread, stage });
  const review = state.action_reviews[action.id];
  const ran = await runAction(env, action, template, plan.actions, review, step.check);
  kit.env.onProgress?.({ kind: "stage-done", thread: state.thread, stage, files: ran.artifacts, attempts: 1 });
  return { ran, at: kit.now() };
}

/** Waits, durably, for the day an action's next check is due; a pass wakes it then. */
async function waitNode(engine: Engine, state: ThreadGraphState) {
  const { kit } = engine;
  const waiting = checkDue(planOf(engine, state), kit.templates, kit.now());
  if (!waiting) return new Command({ update: { timer: null }, goto: engine.run });
  const { action, check, due } = waiting;
  // Not an interrupt: nothing waits for a person, so the run ends and an inbox shows nothing; the
  // thread's state keeps the due date, and a pass given it wakes the thread here.
  await kit.env.onScheduled?.(state.thread, due, state);
  return new Command({
    update: { timer: { due, action_id: action.id, reason: `${action.type} day-${check} check`, node: engine.wait } },
    goto: END,
  });
}

/** Asks a person about the open action, and records their answer for the run node to act on. */
async function askNode(engine: Engine, state: ThreadGraphState, config?: LangGraphRunnableConfig) {
  const { kit } = engine;
  const plan = planOf(engine, state);
  const action = actionToAsk(plan, state.action_reviews);
  if (!action) return new Command({ goto: engine.run });
  const template = templateOf(kit.templates, action.type);
  const asked = await questionNow(engine, state, action, template);
  const response = await askPerson(kit, actionsGate, asked, state, config);
  if (response instanceof Command) return response;
  const { review, action: updated, entry } = readActionAnswer(response, action, template);
  kit.env.onProgress?.({
    kind: "answered",
    thread: state.thread,
    stage: engine.stage,
    answer: review.answer,
    item: action.id,
  });
  await kit.env.onGateAnswered?.(state.thread, {
    gate: engine.kind,
    stage: engine.stage,
    review,
    action_id: action.id,
    summary: `${action.type} "${updated.title}" ${entry.event}`,
  });
  const next = {
    ...plan,
    actions: plan.actions.map((candidate) => (candidate.id === action.id ? updated : candidate)),
  };
  const reviewed = { ...state, action_reviews: { ...state.action_reviews, [action.id]: review } };
  return commit(engine, reviewed, next, [entry], engine.run, { action_reviews: { [action.id]: review } });
}

/**
 * The question about an action, with the workspace read now (a refused accept asks again): a send's
 * documents still to fill in, or what a blocked action still lacks.
 */
async function questionNow(
  engine: Engine,
  state: ThreadGraphState,
  action: PlannedAction,
  template: ActionTemplate,
): Promise<GateQuestion> {
  const { kit } = engine;
  const at: AskedAt = {
    thread: state.thread,
    kind: engine.kind,
    node: engine.ask,
    stage: engine.stage,
    impact: state.impact ?? null,
    draft: kit.draftPath(state, kit.stageFile(engine.node)),
  };
  if (action.status === "blocked") {
    const env = envFor(engine, state);
    const missing = await missingInputs(env, action, template);
    const values = missing?.values
      ? { texts: ownTexts(env.context.event.text, action), sends: sendsOut(template) }
      : undefined;
    const wait = inputWait(env, action, template, missing?.reason ?? "its inputs are there now", values);
    return blockedQuestion(at, action, template, missing, wait);
  }
  const sends = sendsOut(template) ? (action.artifacts ?? []) : undefined;
  const unsendable = sends ? (await readPublishable(kit.env.workspace.root, sends)).problems : [];
  return actionQuestion(at, action, template, unsendable);
}
