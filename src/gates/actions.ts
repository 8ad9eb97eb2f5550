import { Command, END, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { renderTitle } from "../files/plainTemplate.js";
import { connectorFor } from "../actions/connectors.js";
import { idempotencyKey } from "../stages/actionKey.js";
import {
  inputWait,
  missingInputs,
  prepareAction,
  runAction,
  type ActionWaits,
  type ExecutionEnv,
} from "../actions/executor.js";
import { needsHuman } from "../core/policy.js";
import { InputWait, stillMissing } from "../actions/inputs.js";
import { routeOutcome } from "../actions/routing.js";
import { fillBeforeAccepting, readPublishable, unpublishableReason } from "../actions/publishable.js";
import { actionView } from "../actions/view.js";
import { z } from "zod";
import { UsageError } from "../errors.js";
import { IsoDate } from "../core/stageSchemas.js";
import { checkEditedDraft } from "./check.js";
import { askPerson, type GateDefinition, type GateNode } from "./definition.js";
import { OneLine } from "./fields.js";
import type { GateKind } from "../core/gateKind.js";
import { editedValues, reviewOf, type GateQuestion } from "./wire.js";
import type { ActionTemplate } from "../stages/context.js";
import type { ActionsOutput, PlannedAction } from "../core/stageSchemas.js";
import { threadDir } from "../threads/store.js";
import type { LogEntry } from "../threads/stageFiles.js";
import { gateEntryName, gateNodeName, type GraphKit } from "../graph/kit.js";
import { runThreadId } from "../graph/claim.js";
import type { Lessons } from "../memory/recall.js";
import type { GraphNode } from "../graph/spec.js";
import type { ThreadGraphState } from "../graph/state.js";
import { addDays } from "../files/dates.js";

// The action engine: one node runs the plan an action at a time (AI actions execute and produce
// artifacts; each outcome routes to the next action as its template says), and one node asks a
// person wherever an action needs one. Each step is its own checkpoint. An AI action that lacks its
// inputs is `blocked`: it asks a person what to do instead of closing on an empty result.

const isOpen = (action: PlannedAction): boolean =>
  action.status === "pending" || action.status === "in_progress" || action.status === "blocked";
const nextCheck = (action: PlannedAction, checks: readonly number[]): number | undefined =>
  checks.find((day) => !(action.checks_done ?? []).includes(day));

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
    const { outcomes, question } = payload.leanos;
    const waiting = InputWait.safeParse(payload.leanos.locked.waits_for);
    if (waiting.success) {
      if (edits.outcome) return;
      // Read now, as the person left the workspace: an accept runs the action again only with its inputs.
      const missing = await stillMissing(context.workspaceRoot, waiting.data);
      const report = outcomes?.length
        ? `; or report its outcome yourself: leanos approve ${context.thread} --edit '{"outcome":"${outcomes[0]}"}' (one of ${outcomes.join(", ")})`
        : "";
      if (missing)
        throw new UsageError(
          `${payload.leanos.action_id ?? "this action"} of ${context.thread} still waits: ${missing.reason}; ${missing.add}${report}`,
        );
      return;
    }
    if (outcomes && outcomes.length > 1 && !edits.outcome) {
      throw new UsageError(
        `${question}\nreport what happened: leanos approve ${context.thread} --edit '{"outcome":"${outcomes[0]}"}' (one of ${outcomes.join(", ")})`,
      );
    }
    // A send goes out when it is accepted, so the files are read now, as the person left them.
    const sends = Sends.parse(payload.leanos.locked.sends);
    if (sends) {
      const { problems } = await readPublishable(context.workspaceRoot, sends);
      if (problems.length > 0)
        throw new UsageError(
          `${payload.leanos.action_id ?? "this action"} of ${context.thread} cannot be sent: ${unpublishableReason(problems)}`,
        );
    }
  },
};

function actionNodes(kit: GraphKit, node: GraphNode, kind: GateKind): GateNode[] {
  const gate = kind;
  const stage = node.skill.stage.stage;
  const run = gateEntryName(node, gate);
  const ask = gateNodeName(node, gate);
  const wait = `wait_${stage}`;

  const envFor = (state: ThreadGraphState, lessons?: Lessons): ExecutionEnv => ({
    context: { ...kit.contextFor(state, node), ...(lessons ? { lessons } : {}) },
    threadDir: threadDir(kit.env.workspace.threadsDir, state.thread),
    connector: connectorFor(kit.env.workspace.config, kit.env.workspace.root),
    siteUrl: kit.env.workspace.config.site_url,
    now: kit.now(),
    drafter: kit.env.drafter,
    onUsage: async (label, usage) => kit.env.onModelUsage?.(state.thread, label, [usage]),
  });
  const templateOf = (action: PlannedAction): ActionTemplate => kit.templates.get(action.type)!;

  /** Saves the plan, its files and log, and goes on to `goto`. */
  const commit = async (
    state: ThreadGraphState,
    plan: ActionsOutput,
    entries: LogEntry[],
    goto: string,
    extra: Record<string, unknown> = {},
  ) => {
    await kit.writeFiles(
      { ...state, outputs: { ...state.outputs, [stage]: plan }, action_log: [...state.action_log, ...entries] },
      node,
      { log: [...state.action_log, ...entries] },
    );
    return new Command({ update: { outputs: { [stage]: plan }, action_log: entries, ...extra }, goto });
  };

  /** Applies an outcome: the action completes (or is archived) and its route may add the next action. */
  const finish = (
    state: ThreadGraphState,
    plan: ActionsOutput,
    action: PlannedAction,
    outcome: string | undefined,
    changes: Partial<PlannedAction>,
    status: PlannedAction["status"],
  ) => {
    const at = kit.now().toISOString();
    const entries: LogEntry[] = [];
    const done: PlannedAction = { ...action, ...changes, status, ...(outcome ? { outcome } : {}) };
    let added: PlannedAction | undefined;
    if (outcome) {
      const route = routeOutcome(templateOf(action), outcome);
      if (route.kind === "closed") done.closing = route.state;
      if (route.kind === "action") {
        const nextTemplate = kit.templates.get(route.type)!;
        const id = `act-${plan.actions.length + 1}`;
        const view = actionView(kit.contextFor(state, node), action, nextTemplate, plan.actions);
        added = {
          id,
          type: route.type,
          title: renderTitle(nextTemplate.action.title ?? "{{title}}", view),
          owner: nextTemplate.action.owner,
          human_required: needsHuman(nextTemplate),
          due: addDays(at.slice(0, 10), nextTemplate.action.duration_days),
          status: "pending",
          follows: action.id,
          started: at.slice(0, 10),
        };
        added.key = idempotencyKey(state.thread, added);
      }
      entries.push({
        at,
        action_id: action.id,
        event: `${status === "archived" ? "archived" : "completed"} with outcome "${outcome}" -> ${route.kind === "action" ? `${route.type} (${added!.id})` : route.kind === "closed" ? route.state : "learning"}`,
      });
    } else {
      entries.push({ at, action_id: action.id, event: "archived without an outcome" });
    }
    if (added)
      entries.push({
        at,
        action_id: added.id,
        event: `planned after ${action.id}; ${added.human_required ? "waits for a human" : "queued for the AI executor"}`,
      });
    const actions = plan.actions.map((candidate) => (candidate.id === action.id ? done : candidate));
    return { plan: { ...plan, actions: added ? [...actions, added] : actions }, entries };
  };

  /** The action lacks its inputs: it is blocked, keeps what it wrote for the person, and asks them. */
  const block = (
    state: ThreadGraphState,
    plan: ActionsOutput,
    action: PlannedAction,
    result: ActionWaits,
    what = "",
  ) => {
    const blocked: PlannedAction = {
      ...action,
      status: "blocked",
      artifacts: [...new Set([...(action.artifacts ?? []), ...result.artifacts])],
    };
    const entry: LogEntry = {
      at: kit.now().toISOString(),
      action_id: action.id,
      event: `${what}waits for a person: ${result.waits.reason}`,
    };
    return commit(
      state,
      { ...plan, actions: plan.actions.map((candidate) => (candidate.id === action.id ? blocked : candidate)) },
      [entry],
      ask,
    );
  };

  const runNode = async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const plan = state.outputs[stage] as ActionsOutput;
    const action = plan.actions.find(isOpen);
    if (!action) return new Command({ goto: kit.after(node, gate) });
    const template = templateOf(action);
    const at = kit.now().toISOString();
    const keyed: PlannedAction = {
      ...action,
      key: action.key ?? idempotencyKey(state.thread, action),
      started: action.started ?? at.slice(0, 10),
    };
    const review = state.action_reviews[action.id];
    // A model finishing the action's documents reads what the memory teaches of the event, as its stages did.
    const env = envFor(state, await kit.lessonsFor(state.event.text, runThreadId(config)));

    // Blocked on its inputs and not answered yet (an answer sets it going again): the question is next.
    if (action.status === "blocked") return new Command({ goto: ask });
    if (needsHuman(template) && !review) {
      // Prepare what the person needs before asking; the question itself is the next node.
      const artifacts = await prepareAction(env, keyed, template, plan.actions);
      const prepared = { ...keyed, status: "in_progress" as const, artifacts };
      const entries: LogEntry[] = action.artifacts
        ? []
        : [{ at, action_id: action.id, event: `material prepared (${artifacts.length} file(s)); waits for a human` }];
      return commit(
        state,
        { ...plan, actions: plan.actions.map((candidate) => (candidate.id === action.id ? prepared : candidate)) },
        entries,
        ask,
      );
    }
    if (review?.answer === "reject") {
      const outcome = "rejected" in template.action.outcomes ? "rejected" : undefined;
      const { plan: next, entries } = finish(
        state,
        plan,
        keyed,
        outcome,
        { note: `rejected by ${review.by}: ${review.reason}` },
        "archived",
      );
      return commit(state, next, entries, run);
    }
    if (template.action.owner === "human") {
      // The person reported the outcome with their answer (checked against the template then).
      const outcome = review!.outcome ?? Object.keys(template.action.outcomes)[0]!;
      const { plan: next, entries } = finish(state, plan, keyed, outcome, {}, "completed");
      return commit(state, next, entries, run);
    }
    if (review?.outcome) {
      // Asked because it lacked its inputs, the person gave the result themselves: it stands, and
      // the action is done (checks not yet run are not run).
      const { plan: next, entries } = finish(state, plan, keyed, review.outcome, {}, "completed");
      return commit(state, next, entries, run);
    }
    const checks = template.action.checks_days;
    if (checks) {
      // An action with checks runs on each check day, and completes after the last.
      const check = nextCheck(keyed, checks)!;
      const due = addDays(keyed.started!, check);
      if (at.slice(0, 10) < due) {
        const scheduled = { ...keyed, status: "in_progress" as const };
        const entries: LogEntry[] =
          (action.checks_done ?? []).length === 0 && !action.started
            ? [
                {
                  at,
                  action_id: action.id,
                  event: `scheduled: day-${checks.join(", day-")} checks from ${keyed.started}`,
                },
              ]
            : [];
        return commit(
          state,
          { ...plan, actions: plan.actions.map((candidate) => (candidate.id === action.id ? scheduled : candidate)) },
          entries,
          wait,
        );
      }
      kit.env.onProgress?.({
        kind: "stage-start",
        thread: state.thread,
        stage: `${action.id} ${action.type} day ${check}`,
      });
      const result = await runAction(env, keyed, template, plan.actions, review, check);
      kit.env.onProgress?.({
        kind: "stage-done",
        thread: state.thread,
        stage: `${action.id} ${action.type} day ${check}`,
        files: result.artifacts,
        attempts: 1,
      });
      if ("waits" in result) return block(state, plan, keyed, result, `day-${check} check `);
      const checked: PlannedAction = {
        ...keyed,
        status: "in_progress",
        checks_done: [...(keyed.checks_done ?? []), check],
        artifacts: [...new Set([...(keyed.artifacts ?? []), ...result.artifacts])],
      };
      const ran: LogEntry = {
        at,
        action_id: action.id,
        event: `day-${check} check ran: ${result.artifacts.join(", ")}`,
      };
      if (nextCheck(checked, checks) !== undefined) {
        return commit(
          state,
          { ...plan, actions: plan.actions.map((candidate) => (candidate.id === action.id ? checked : candidate)) },
          [ran],
          run,
        );
      }
      const { plan: next, entries } = finish(state, plan, checked, result.outcome, {}, "completed");
      return commit(state, next, [ran, ...entries], run);
    }
    kit.env.onProgress?.({ kind: "stage-start", thread: state.thread, stage: `${action.id} ${action.type}` });
    const result = await runAction(env, keyed, template, plan.actions, review);
    kit.env.onProgress?.({
      kind: "stage-done",
      thread: state.thread,
      stage: `${action.id} ${action.type}`,
      files: result.artifacts,
      attempts: 1,
    });
    if ("waits" in result) return block(state, plan, keyed, result);
    const sent =
      result.receipts.length > 0
        ? `; ${result.receipts.length} send(s) via ${result.receipts[0]!.connector}${result.receipts[0]!.status === "dry-run" ? " (dry run)" : ""}`
        : "";
    const { plan: next, entries } = finish(
      state,
      plan,
      keyed,
      result.outcome,
      { artifacts: result.artifacts },
      "completed",
    );
    entries.unshift({ at, action_id: action.id, event: `ran: ${result.artifacts.length} artifact(s)${sent}` });
    return commit(state, next, entries, run);
  };

  /** Waits, durably, for the day an action's next check is due; a pass wakes it then. */
  const waitNode = async (state: ThreadGraphState) => {
    const plan = state.outputs[stage] as ActionsOutput;
    const action = plan.actions.find(isOpen);
    const checks = action ? templateOf(action).action.checks_days : undefined;
    const check = action && checks ? nextCheck(action, checks) : undefined;
    if (!action || check === undefined || !action.started) return new Command({ update: { timer: null }, goto: run });
    const due = addDays(action.started, check);
    if (kit.now().toISOString().slice(0, 10) >= due) return new Command({ update: { timer: null }, goto: run });
    // Not an interrupt: nothing waits for a person, so the run ends and an inbox shows nothing; the
    // thread's state keeps the due date, and a pass given it wakes the thread here.
    await kit.env.onScheduled?.(state.thread, due, state);
    return new Command({
      update: { timer: { due, action_id: action.id, reason: `${action.type} day-${check} check`, node: wait } },
      goto: END,
    });
  };

  const askNode = async (state: ThreadGraphState, config?: LangGraphRunnableConfig) => {
    const plan = state.outputs[stage] as ActionsOutput;
    const action = plan.actions.find(isOpen);
    // A blocked action is asked again whatever was answered before: that answer set it going, and it blocked since.
    if (!action || (state.action_reviews[action.id] && action.status !== "blocked")) return new Command({ goto: run });
    const template = templateOf(action);
    const outcomes = Object.keys(template.action.outcomes);
    if (action.status === "blocked") return askBlocked(state, plan, action, template, outcomes, config);
    const reportsOutcome = template.action.owner === "human";
    const sends = template.action.executor === "send" ? (action.artifacts ?? []) : undefined;
    // Read on every ask (a refused accept asks again), so the question names what is still to fill in now.
    const unsendable = sends ? (await readPublishable(kit.env.workspace.root, sends)).problems : [];
    const question = reportsOutcome
      ? `Do ${action.id} ${action.type} "${action.title}" (due ${action.due}) and report its outcome: ${outcomes.join(" | ")}`
      : `Approve ${action.id} ${action.type} "${action.title}"? ${sends ? "It sends to customers." : "Its template needs a person's approval."}${unsendable.length > 0 ? ` ${fillBeforeAccepting(unsendable)}` : ""}`;
    const material = (action.artifacts ?? []).map((path) => `- \`${path}\``).join("\n");
    const asked: GateQuestion = {
      info: {
        ...infoOf(state, action, question),
        ...(reportsOutcome ? { outcomes } : {}),
        ...(sends ? { locked: { sends } } : {}),
      },
      editable: {
        title: action.title,
        due: action.due,
        note: action.note ?? "",
        ...(reportsOutcome ? { outcome: outcomes.length === 1 ? outcomes[0]! : "" } : {}),
      },
      allow: { edit: true, respond: false },
      namedAnswersOnly: template.action.executor === "send",
      description: [
        `### ${question}`,
        material ? `Prepared for you:\n${material}` : "",
        sends
          ? "What is sent is the text between each file's publish marks (`<!-- publish -->` ... `<!-- /publish -->`), as it stands when you accept; the rest of each file is for you."
          : "",
        unsendable.length > 0
          ? `Not sendable yet; mend these in the files before accepting (an accept is refused while one is left):\n${unsendable.map((problem) => `- \`${problem.file}\`${problem.line ? ` line ${problem.line}` : ""}: ${problem.placeholder ? `\`${problem.placeholder}\`` : problem.problem}`).join("\n")}`
          : "",
        reportsOutcome
          ? `Report what happened by editing \`outcome\` (one of ${outcomes.join(", ")}), e.g. \`leanos approve ${state.thread} --edit '{"outcome":"${outcomes[0]}"}'\`.`
          : "",
      ]
        .filter(Boolean)
        .join("\n\n"),
    };
    const response = await askPerson(kit, actionsGate, asked, state, config);
    if (response instanceof Command) return response;
    const edits =
      response.type === "edit"
        ? (editedValues(response) as { title?: string; due?: string; note?: string; outcome?: string })
        : {};
    const outcome = edits.outcome || (reportsOutcome && outcomes.length === 1 ? outcomes[0] : undefined);
    const review = { ...reviewOf(response), ...(outcome ? { outcome } : {}) };
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer, item: action.id });
    const { outcome: _reported, ...fields } = edits;
    const updated: PlannedAction = {
      ...action,
      ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== "")),
    };
    const entry: LogEntry = {
      at: review.at,
      action_id: action.id,
      event:
        review.answer === "reject"
          ? `rejected by ${review.by}: ${review.reason}`
          : reportsOutcome
            ? `reported "${outcome}" by ${review.by}`
            : `approved by ${review.by}; cleared to run`,
    };
    await kit.env.onGateAnswered?.(state.thread, {
      gate: kind,
      stage,
      review,
      action_id: action.id,
      summary: `${action.type} "${updated.title}" ${entry.event}`,
    });
    const next = {
      ...plan,
      actions: plan.actions.map((candidate) => (candidate.id === action.id ? updated : candidate)),
    };
    return commit({ ...state, action_reviews: { ...state.action_reviews, [action.id]: review } }, next, [entry], run, {
      action_reviews: { [action.id]: review },
    });
  };

  /** What every question about one action says of where it is asked. */
  const infoOf = (state: ThreadGraphState, action: PlannedAction, question: string) => ({
    thread: state.thread,
    kind,
    node: ask,
    stage,
    question,
    impact: state.impact ?? null,
    action_id: action.id,
    draft: action.artifacts?.[0] ?? kit.draftPath(state, kit.stageFile(node)),
  });

  /**
   * Asks about an action blocked on its inputs: what it lacks and what to add (read now, so a question
   * asked again names what is still missing). Accept: the inputs are there, run it again. An outcome:
   * the person's own result, which completes it. Reject: it is dropped (archived).
   */
  const askBlocked = async (
    state: ThreadGraphState,
    plan: ActionsOutput,
    action: PlannedAction,
    template: ActionTemplate,
    outcomes: string[],
    config?: LangGraphRunnableConfig,
  ) => {
    const env = envFor(state);
    const missing = await missingInputs(env, action, template);
    const reason = missing?.reason ?? "its inputs are there now";
    const lead = `${action.id} ${action.type} "${action.title}" waits for you`;
    const question = missing
      ? `${lead}: ${missing.reason} — ${missing.add}; or report its outcome yourself: ${outcomes.join(" | ")}`
      : `${lead}: it lacked its inputs, which are there now — accept to run it again; or report its outcome yourself: ${outcomes.join(" | ")}`;
    const wait = inputWait(env, action, template, reason);
    const material = (action.artifacts ?? []).map((path) => `- \`${path}\``).join("\n");
    const asked: GateQuestion = {
      info: { ...infoOf(state, action, question), outcomes, ...(wait ? { locked: { waits_for: wait } } : {}) },
      editable: { title: action.title, due: action.due, note: action.note ?? "", outcome: "" },
      allow: { edit: true, respond: false },
      description: [
        `### ${question}`,
        material ? `Written so far:\n${material}` : "",
        [
          "Answer with one of:",
          `- \`leanos approve ${state.thread}\` once the inputs are there: it runs again with them (refused while they are missing).`,
          `- \`leanos approve ${state.thread} --edit '{"outcome":"${outcomes[0]}"}'\`: your own result (one of ${outcomes.join(", ")}); the action completes with it and goes on as its template routes that outcome.`,
          `- \`leanos reject ${state.thread} --reason "..."\`: drop the action.`,
        ].join("\n"),
      ]
        .filter(Boolean)
        .join("\n\n"),
    };
    const response = await askPerson(kit, actionsGate, asked, state, config);
    if (response instanceof Command) return response;
    const edits =
      response.type === "edit"
        ? (editedValues(response) as { title?: string; due?: string; note?: string; outcome?: string })
        : {};
    const outcome = edits.outcome || undefined;
    const review = { ...reviewOf(response), ...(outcome ? { outcome } : {}) };
    kit.env.onProgress?.({ kind: "answered", thread: state.thread, stage, answer: review.answer, item: action.id });
    const { outcome: _reported, ...fields } = edits;
    // Any answer sets it going again: the run node archives, completes with the outcome, or runs it.
    const updated: PlannedAction = {
      ...action,
      ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== "")),
      status: "in_progress",
    };
    const entry: LogEntry = {
      at: review.at,
      action_id: action.id,
      event:
        review.answer === "reject"
          ? `rejected by ${review.by}: ${review.reason}`
          : outcome
            ? `reported "${outcome}" by ${review.by}`
            : `inputs added, says ${review.by}; runs again`,
    };
    await kit.env.onGateAnswered?.(state.thread, {
      gate: kind,
      stage,
      review,
      action_id: action.id,
      summary: `${action.type} "${updated.title}" ${entry.event}`,
    });
    const next = {
      ...plan,
      actions: plan.actions.map((candidate) => (candidate.id === action.id ? updated : candidate)),
    };
    return commit({ ...state, action_reviews: { ...state.action_reviews, [action.id]: review } }, next, [entry], run, {
      action_reviews: { [action.id]: review },
    });
  };

  return [
    { name: run, fn: runNode, ends: [run, ask, wait, kit.after(node, gate)] },
    { name: ask, fn: askNode, ends: [run, ask] },
    { name: wait, fn: waitNode, ends: [run, END] },
  ];
}
