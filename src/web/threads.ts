import type { AuditEntryOf } from "../audit/log.js";
import { stageFileOf } from "../graph/stageFile.js";
import { minute, TodayCollector } from "../ops/today.js";
import type { Runtime } from "../runtime/engine.js";
import { nextStepOf } from "../runtime/reading.js";
import type { ActionsOutput } from "../stages/schemas.js";
import type { ThreadMeta } from "../threads/meta.js";
import { pageOf, pagingView } from "./paging.js";

// The threads page (state, stage and SLA of each, a page at a time) and one thread: its stages as a timeline, its
// actions with what became of them, and its files.

/** How long a thread has sat where it is against its stage's SLA in the graph file. */
function slaOf(collector: TodayCollector, meta: ThreadMeta): { sla: string; overdue: boolean } {
  const standing = collector.standing(meta);
  if (!standing) return { sla: "", overdue: false };
  return { sla: `${Math.floor(standing.days)} of ${standing.sla_days} day(s)`, overdue: standing.days > standing.sla_days };
}

/**
 * One page of the threads, most recently moved first. The order and the count come from the thread
 * index; only the page's threads have their meta.json read (for the next step and the SLA).
 */
export async function threadsView(runtime: Runtime, requested?: string) {
  const collector = new TodayCollector(runtime.spec, runtime.now());
  const all = (await runtime.store.index.rows()).sort((a, b) => b.updated_at.localeCompare(a.updated_at) || a.thread.localeCompare(b.thread));
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

/** One thread: the six stages in order, its actions, its files. */
export async function threadView(runtime: Runtime, name: string) {
  const { meta } = await runtime.resolve(name);
  const outputs = await runtime.stageOutputs(meta.thread);
  const answers = (await runtime.audit.read()).filter((entry): entry is AuditEntryOf<"gate-answered"> => entry.kind === "gate-answered" && entry.thread === meta.thread);
  const waitingAt = meta.state === "waiting" ? meta.pending[0]?.stage : undefined;
  const stages = runtime.spec.nodes.map((node, index) => {
    const stage = node.skill.stage.stage;
    const file = stageFileOf(node);
    const written = meta.files.includes(file);
    const status = waitingAt === stage ? "waiting" : written ? "done" : "ahead";
    const output = outputs[node.skill.stage.output] as { summary?: unknown } | undefined;
    const reviews = answers.filter((entry) => entry.stage === stage);
    return {
      number: index + 1,
      name: stage,
      status,
      status_text: status === "waiting" ? "waits for you" : status === "done" ? "drafted" : "not yet",
      summary: typeof output?.summary === "string" ? output.summary : undefined,
      file: written ? `threads/${meta.thread}/${file}` : undefined,
      review: reviews.length > 0 ? reviews.map((entry) => `${entry.answer} by ${entry.by}, ${minute(entry.at)}${entry.action_id ? ` (${entry.action_id})` : ""}${entry.reason ? `: ${entry.reason}` : ""}`).join("; ") : undefined,
    };
  });
  const planned = (outputs.actions as ActionsOutput | undefined)?.actions ?? [];
  return {
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
    stages,
    actions: planned.map((action) => {
      const done = action as typeof action & { status?: string; outcome?: string; artifacts?: string[] };
      return {
        id: action.id,
        type: action.type,
        title: action.title,
        who: action.human_required ? "a person approves" : "AI",
        due: action.due ?? "-",
        status: [done.status, done.outcome].filter(Boolean).join(": ") || "planned",
        artifacts: done.artifacts ?? [],
      };
    }),
    files: meta.files.map((file) => `threads/${meta.thread}/${file}`),
    shown: [meta.thread],
  };
}
