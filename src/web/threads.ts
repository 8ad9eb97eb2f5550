import { FileProblem } from "../errors.js";
import { plannedNeedsHuman, reportsOutcome } from "../core/policy.js";
import type { AuditEntryOf } from "../audit/log.js";
import { stageFileOf } from "../graph/stageFile.js";
import { minute, TodayCollector } from "../ops/today.js";
import type { Runtime } from "../runtime/engine.js";
import { nextStepOf } from "../runtime/reading.js";
import { actionTemplates } from "../skills/loader.js";
import type { ActionTemplate } from "../stages/context.js";
import type {
  ActionsOutput,
  DecisionOutput,
  ImplicationOutput,
  LearningOutput,
  PlannedAction,
} from "../core/stageSchemas.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import { pageOf, pagingView } from "./paging.js";

// The threads page (state, stage and SLA of each, a page at a time) and one thread: its stages as a timeline, its
// actions with what became of them, and its files.

const DAY_MS = 24 * 60 * 60 * 1000;

/** "1 action", "3 actions". */
const counted = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`;

/**
 * How long a thread has sat where it is, against what bounds it there: its stage's `sla_days` in the
 * graph file, or, in a stage without one (the actions run on their own clock), the due date of the
 * action it is on. A done thread has nothing to measure.
 */
function slaOf(collector: TodayCollector, meta: ThreadMeta): { sla: string; overdue: boolean } {
  if (meta.state === "done") return { sla: "-", overdue: false };
  const standing = collector.standing(meta);
  if (standing)
    return {
      sla: `${Math.floor(standing.days)} of ${standing.sla_days} day(s)`,
      overdue: standing.days > standing.sla_days,
    };
  const days = Math.max(0, Math.floor((collector.now.getTime() - Date.parse(meta.updated_at)) / DAY_MS));
  const action = meta.current_action;
  if (action)
    return {
      sla: `${days} day(s); ${action.id} due ${action.due}`,
      overdue: action.due < collector.now.toISOString().slice(0, 10),
    };
  return { sla: `${days} day(s); no SLA`, overdue: false };
}

/** Whether a person approves or carries out an action: by its template's rule, as the action gate asks; by the plan, for a type no template names. */
function forPerson(action: PlannedAction, templates: ReadonlyMap<string, ActionTemplate>): boolean {
  // An AI action that lacks its inputs waits for a person too.
  if (action.status === "blocked") return true;
  const template = templates.get(action.type);
  return plannedNeedsHuman(action, template);
}

/** Whether a person carries an action out and reports its outcome: by its template; by the plan, for a type no template names. */
function carriedOutByPerson(action: PlannedAction, templates: ReadonlyMap<string, ActionTemplate>): boolean {
  const template = templates.get(action.type);
  return template ? reportsOutcome(template) : action.owner === "human";
}

/**
 * The plan as it is now, counted: what the decision planned and what the action engine added after
 * each outcome, and how many of those wait for a person. The summary drafted with the plan counts only
 * the first actions, so it is not shown once the plan has grown.
 */
function planSummary(
  actions: readonly PlannedAction[],
  templates: ReadonlyMap<string, ActionTemplate>,
  waitingFor: string | undefined,
): string {
  const added = actions.filter((action) => action.follows !== undefined).length;
  const human = actions.filter((action) => forPerson(action, templates)).length;
  return `${counted(actions.length, "action")} planned${added > 0 ? ` (${added} added after an outcome)` : ""}; ${human} ${human === 1 ? "needs" : "need"} a person${waitingFor ? `: ${waitingFor} waits for you now` : ""}.`;
}

/** What a stage came to, in a line: a decision's verdict and statement, the implication's impact, what was learned, else the stage's own summary. */
function saidBy(schema: string, output: unknown): { verdict?: string; summary?: string } {
  if (typeof output !== "object" || output === null) return {};
  if (schema === "decision") {
    // Read back from the file as written: a value that is not text there is left out.
    const { verdict, statement } = output as Partial<Record<keyof DecisionOutput, unknown>>;
    if (typeof verdict !== "string" || typeof statement !== "string")
      return typeof verdict === "string" ? { verdict } : {};
    // A statement often opens with its verdict ("PROCEED: ..."), which the page shows once, in front.
    const opens = statement.startsWith(verdict) && !/\w/.test(statement.charAt(verdict.length));
    return { verdict, summary: opens ? statement.slice(verdict.length).replace(/^[\s:.,-]+/, "") : statement };
  }
  if (schema === "implication") {
    const { impact_score: impact, mode, factors } = output as Partial<Record<keyof ImplicationOutput, unknown>>;
    if (typeof impact !== "number") return {};
    const scores = (Array.isArray(factors) ? (factors as Array<Partial<ImplicationOutput["factors"][number]>>) : [])
      .map((factor) => `${factor.name} ${factor.score}`)
      .join(", ");
    return { summary: `Impact ${impact}${typeof mode === "string" ? ` (${mode})` : ""}${scores ? `: ${scores}` : ""}` };
  }
  if (schema === "learning") {
    const { outcome } = output as Partial<Record<keyof LearningOutput, unknown>>;
    return typeof outcome === "string" ? { summary: outcome } : {};
  }
  const summary = (output as { summary?: unknown }).summary;
  return typeof summary === "string" ? { summary } : {};
}

/**
 * One page of the threads, most recently moved first. The order and the count come from the thread
 * index; only the page's threads have their meta.json read (for the next step and the SLA).
 */
export async function threadsView(runtime: Runtime, requested?: string) {
  const collector = new TodayCollector(runtime.spec, runtime.now(), runtime.workspace.threadTypes);
  const all = (await runtime.store.index.rows()).sort(
    (a, b) => b.updated_at.localeCompare(a.updated_at) || a.thread.localeCompare(b.thread),
  );
  const page = pageOf(requested, all.length);
  const rows = [];
  for (const row of all.slice(page.start, page.end)) {
    const meta = await runtime.readIndexed(row);
    rows.push({
      thread: meta.thread,
      title: meta.title,
      state: meta.state,
      stage: meta.stage ?? "-",
      impact: meta.impact ?? "-",
      since: minute(meta.updated_at),
      next: nextStepOf(meta),
      ...slaOf(collector, meta),
    });
  }
  return { rows, paging: pagingView("/threads", page), shown: rows.map((row) => row.thread) };
}

/** The graph's stages in order: where the thread is in each, what each came to, its file and its reviews. */
function stagesOf(
  runtime: Runtime,
  meta: ThreadMeta,
  outputs: Record<string, unknown>,
  answers: ReadonlyArray<AuditEntryOf<"gate-answered">>,
  templates: ReadonlyMap<string, ActionTemplate>,
) {
  const waitingAt = meta.state === "waiting" ? meta.pending[0]?.stage : undefined;
  const planned = (outputs.actions as ActionsOutput | undefined)?.actions ?? [];
  return runtime.spec.nodes.map((node, index) => {
    const stage = node.skill.stage.stage;
    const file = stageFileOf(node);
    const written = meta.files.includes(file);
    const status = waitingAt === stage ? "waiting" : written ? "done" : "ahead";
    const schema = node.skill.stage.output;
    const said =
      schema === "actions" && planned.length > 0
        ? {
            summary: planSummary(planned, templates, meta.state === "waiting" ? meta.pending[0]?.action_id : undefined),
          }
        : saidBy(schema, outputs[schema]);
    const reviews = answers.filter((entry) => entry.stage === stage);
    return {
      number: index + 1,
      name: stage,
      status,
      status_text: status === "waiting" ? "waits for you" : status === "done" ? "drafted" : "not yet",
      ...said,
      file: written ? `threads/${meta.thread}/${file}` : undefined,
      review:
        reviews.length > 0
          ? reviews
              .map(
                (entry) =>
                  `${entry.answer} by ${entry.by}, ${minute(entry.at)}${entry.action_id ? ` (${entry.action_id})` : ""}${entry.reason ? `: ${entry.reason}` : ""}`,
              )
              .join("; ")
          : undefined,
    };
  });
}

/** One thread: the six stages in order, its actions, its files. */
export async function threadView(
  runtime: Runtime,
  name: string,
  csrf = "",
  correction: { error?: string; typed?: Record<string, string> } = {},
) {
  const { meta } = await runtime.resolve(name);
  const outputs = await runtime.stageOutputs(meta.thread);
  const answers = (await runtime.audit.read()).filter(
    (entry): entry is AuditEntryOf<"gate-answered"> => entry.kind === "gate-answered" && entry.thread === meta.thread,
  );
  const templates = actionTemplates(runtime.skills);
  const planned = (outputs.actions as ActionsOutput | undefined)?.actions ?? [];
  const stages = stagesOf(runtime, meta, outputs, answers, templates);
  const goal = meta.goal_id ? await servedGoalOf(runtime, meta.goal_id, meta.subgoal) : undefined;
  return {
    ...(goal ? { goal } : {}),
    thread: meta.thread,
    title: meta.title,
    state: meta.state,
    stage: meta.stage ?? "-",
    impact: meta.impact ?? "-",
    provider: meta.provider,
    event_date: meta.event.date,
    event_source: meta.event.source,
    event_text: meta.event.text,
    next: nextStepOf(meta),
    error: meta.error,
    csrf,
    corrections: meta.corrections.map((entry) => ({
      line: `${minute(entry.at)}, ${entry.by}${entry.via === "gate" ? " at the decision gate" : ""}: ${Object.entries(
        entry.fields,
      )
        .map(([field, value]) => `${field} ${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(
          "; ",
        )}${entry.reason ? ` (${entry.reason})` : ""}${entry.after_acting ? ". It had acted already: nothing was undone." : `. Drafted again from ${entry.redrafts_from ?? "the first corrected stage"}.`}`,
    })),
    correction: {
      ...(correction.error ? { error: correction.error } : {}),
      typed: correction.typed ?? {},
      types: runtime.workspace.threadTypes.names.join(", "),
      goals: [...runtime.parts.goals.map((active) => active.front.id), "none"].join(", "),
    },
    stages,
    actions: planned.map((action) => ({
      id: action.id,
      type: action.type,
      title: action.title,
      who: carriedOutByPerson(action, templates)
        ? "a person"
        : forPerson(action, templates)
          ? "AI; a person approves"
          : "AI",
      // Read back from the stage file as written, not parsed again: a value missing there shows as such.
      due: action.due ?? "-",
      status: [action.status, action.outcome].filter(Boolean).join(": ") || "planned",
      artifacts: action.artifacts ?? [],
    })),
    files: meta.files.map((file) => `threads/${meta.thread}/${file}`),
    shown: [meta.thread],
  };
}

/** The goal a thread serves, with where it stands today (a goal since moved or removed: its id alone). */
async function servedGoalOf(runtime: Runtime, id: string, subgoal: string | undefined) {
  const { goalOverview } = await import("../goals/overview.js");
  const today = runtime.now().toISOString().slice(0, 10);
  // A goal file broken since the workspace was opened is said on the page, not a page that fails.
  const overview = await goalOverview(runtime.workspace, today).catch((error: unknown) =>
    error instanceof FileProblem ? error : Promise.reject(error),
  );
  if (overview instanceof FileProblem) return { id, subgoal, standing: overview.message };
  const found = overview.find((entry) => entry.goal.front.id === id);
  if (!found) return { id, subgoal, title: "no longer in strategy/goals/" };
  const { goal, standing } = found;
  const said = goal.front.status === "active" ? `${standing.standing}: ${standing.reason}` : goal.front.status;
  return { id, subgoal, file: goal.file, title: goal.title, standing: said };
}
