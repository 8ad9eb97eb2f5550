import type { AuditEntry, AuditEntryOf } from "../audit/log.js";
import type { GraphSpec } from "../graph/spec.js";
import type { Opportunity, PendingItem, ThreadMeta } from "../core/threadMeta.js";
import { gateLabel } from "../core/gateLabel.js";
import type { ThreadType } from "../core/stageSchemas.js";
import { DEFAULT_THREAD_TYPES, type ThreadTypes } from "../core/threadTypes.js";
import { SETTLED_OPPORTUNITY_DAYS } from "../store/indexRow.js";

// ops/today.md, the founder's morning page. It is rebuilt from scratch each time from the threads'
// meta.json and the last day of the audit log, so it never drifts from the truth. Open threads
// stream through a collector one at a time and done ones are only counted (the thread index finds
// which is which): the work and the memory follow what is open now, not the length of the history.

export interface StuckThread {
  thread: string;
  stage: string;
  days: number;
  sla_days: number;
  state: ThreadMeta["state"];
}

export interface StalledAction {
  thread: string;
  action_id: string;
  type: string;
  owner: string;
  due: string;
  days_late: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const sinceDay = (now: Date, at: string): boolean =>
  now.getTime() - Date.parse(at) <= DAY_MS && Date.parse(at) <= now.getTime();
/** A time as people read it on a page: "2026-12-06 08:15". */
export const minute = (at: string): string => at.slice(0, 16).replace("T", " ");

/** The stage a thread sits in: the gate it waits at, or the stage after the last one drafted. */
export function currentStage(meta: ThreadMeta, spec: GraphSpec): string | null {
  if (meta.state === "done") return null;
  if (meta.state === "waiting" && meta.pending[0]) return meta.pending[0].stage;
  if (meta.state === "scheduled" && meta.current_action)
    return spec.nodes.find((node) => node.skill.stage.output === "actions")?.skill.stage.stage ?? meta.stage;
  const stages = spec.nodes.map((node) => node.skill.stage.stage);
  if (meta.stage === null) return stages[0] ?? null;
  return stages[stages.indexOf(meta.stage) + 1] ?? meta.stage;
}

/** Gathers what the page needs from each thread as it streams past. */
export class TodayCollector {
  readonly pending: PendingItem[] = [];
  readonly stuck: StuckThread[] = [];
  readonly stalled: StalledAction[] = [];
  readonly failed: Array<{ thread: string; error: string }> = [];
  readonly opportunities: Array<{ thread: string; opportunity: Opportunity }> = [];
  readonly counts = new Map<string, Map<string, number>>();
  threads = 0;
  private readonly sla: Map<string, number>;
  private readonly today: string;

  constructor(
    readonly spec: GraphSpec,
    readonly now: Date,
    /** The workspace's thread types: the snapshot has a row for each. */
    readonly types: ThreadTypes,
  ) {
    this.sla = new Map(
      spec.nodes.filter((node) => node.slaDays !== undefined).map((node) => [node.skill.stage.stage, node.slaDays!]),
    );
    this.today = now.toISOString().slice(0, 10);
  }

  /** Done threads with nothing to show, which the index counted without reading them. */
  addIdle(type: ThreadType, count: number): void {
    this.threads += count;
    const row = this.counts.get(type) ?? new Map<string, number>();
    row.set("done", (row.get("done") ?? 0) + count);
    this.counts.set(type, row);
  }

  /** The stage a thread sits in and for how many days, against that stage's `sla_days`; undefined when none applies. */
  standing(
    meta: ThreadMeta,
    stage = currentStage(meta, this.spec),
  ): { stage: string; days: number; sla_days: number } | undefined {
    const limit = stage ? this.sla.get(stage) : undefined;
    if (!stage || limit === undefined) return undefined;
    return { stage, days: (this.now.getTime() - Date.parse(meta.updated_at)) / DAY_MS, sla_days: limit };
  }

  add(meta: ThreadMeta): void {
    this.threads += 1;
    const stage = currentStage(meta, this.spec);
    const column = meta.state === "done" ? "done" : (stage ?? "done");
    const row = this.counts.get(meta.type) ?? new Map<string, number>();
    row.set(column, (row.get(column) ?? 0) + 1);
    this.counts.set(meta.type, row);
    if (meta.state === "waiting") this.pending.push(...meta.pending);
    if (meta.state === "failed") this.failed.push({ thread: meta.thread, error: meta.error ?? "unknown error" });
    const standing = this.standing(meta, stage);
    if (standing && standing.days > standing.sla_days)
      this.stuck.push({
        thread: meta.thread,
        ...standing,
        days: Math.floor(standing.days * 10) / 10,
        state: meta.state,
      });
    const action = meta.current_action;
    if (action && action.due < this.today && meta.state !== "done") {
      const late = Math.floor((Date.parse(this.today) - Date.parse(action.due)) / DAY_MS);
      this.stalled.push({
        thread: meta.thread,
        action_id: action.id,
        type: action.type,
        owner: action.owner,
        due: action.due,
        days_late: late,
      });
    }
    const recent = this.now.getTime() - Date.parse(meta.updated_at) <= SETTLED_OPPORTUNITY_DAYS * DAY_MS;
    for (const opportunity of meta.opportunities) {
      if (opportunity.status === "proposed" || opportunity.status === "approved" || recent)
        this.opportunities.push({ thread: meta.thread, opportunity });
    }
  }
}

/** Threads that have sat in a stage longer than its `sla_days` in the graph file. */
export function stuckThreads(threads: readonly ThreadMeta[], spec: GraphSpec, now: Date): StuckThread[] {
  // The types only name the snapshot's rows, which this does not read.
  const collector = new TodayCollector(spec, now, DEFAULT_THREAD_TYPES);
  for (const meta of threads) collector.add(meta);
  return collector.stuck.sort((a, b) => b.days - b.sla_days - (a.days - a.sla_days));
}

function attention(pending: readonly PendingItem[]): string[] {
  if (pending.length === 0) return ["_Nothing waits for you._"];
  return pending.flatMap((item, index) => {
    // Indented under the item's own text ("10. " is wider than "9. "), so item 10 onwards keeps its answers.
    const under = " ".repeat(`${index + 1}. `.length);
    return [
      `${index + 1}. **[${item.impact ?? "-"}] ${gateLabel(item)}** \`${item.thread}\`: ${item.question}`,
      `${under}- answer: \`leanos approve ${item.thread}\`${item.allowed.includes("edit") ? ` (or \`--edit '{...}'\`)` : ""} · \`leanos reject ${item.thread} --reason "..."\`${item.allowed.includes("respond") ? ` · \`leanos respond ${item.thread} "..."\`` : ""}`,
      ...(item.draft ? [`${under}- look at: \`${item.draft}\``] : []),
    ];
  });
}

function aiDecisions(audit: readonly AuditEntry[], now: Date): string[] {
  const lines = audit
    .filter(
      (entry): entry is AuditEntryOf<"gate-answered"> =>
        entry.kind === "gate-answered" && entry.by === "policy" && sinceDay(now, entry.at),
    )
    .map(
      (entry) =>
        `- ${minute(entry.at)} \`${entry.thread}\`: ${entry.summary}${entry.reason ? ` (${entry.reason})` : ""}`,
    );
  return lines.length > 0 ? lines : ["_None in the last 24 hours._"];
}

function canvasChanges(audit: readonly AuditEntry[], now: Date): string[] {
  const changes = audit.filter(
    (entry): entry is AuditEntryOf<"canvas-change"> => entry.kind === "canvas-change" && sinceDay(now, entry.at),
  );
  const grouped = new Map<string, AuditEntryOf<"canvas-change">[]>();
  for (const change of changes) {
    const key = `${change.thread}|${change.assumption ?? `metric ${change.metric}`}`;
    grouped.set(key, [...(grouped.get(key) ?? []), change]);
  }
  const lines = [...grouped.values()].map((group) => {
    const first = group[0]!;
    const fields = group
      .map((change) =>
        change.field === "evidence" ? `evidence ${change.to}` : `${change.field} ${change.from} → ${change.to}`,
      )
      .join(", ");
    return `- **${first.assumption ?? first.metric}** ${fields} via \`threads/${first.thread}\` (approved by ${first.by}${first.commit ? `, commit ${first.commit.slice(0, 7)}` : ""})`;
  });
  return lines.length > 0 ? lines : ["_No canvas changes in the last 24 hours._"];
}

function opportunities(collected: TodayCollector["opportunities"]): string[] {
  if (collected.length === 0) return ["_No opportunities proposed yet._"];
  return [...collected]
    .sort((a, b) => b.opportunity.priority - a.opportunity.priority)
    .map(({ thread, opportunity }) => {
      const status =
        opportunity.status === "started"
          ? `started as \`${opportunity.thread}\``
          : opportunity.status === "proposed"
            ? `waits for approval: \`leanos approve ${thread}\` when it is asked`
            : opportunity.status;
      return `- **[${opportunity.priority}]** ${opportunity.title} (${opportunity.type}) from \`${thread}\`: ${status}. ${opportunity.rationale}`;
    });
}

function snapshot(collector: TodayCollector): string[] {
  const stages = collector.spec.nodes.map((node) => node.skill.stage.stage);
  const columns = [...stages, "done"];
  const lines = [`| Type | ${columns.join(" | ")} | total |`, `|---|${columns.map(() => "---:").join("|")}|---:|`];
  // A row for each type the workspace writes, then any other its threads have (business threads left
  // under the other name of business, say).
  for (const type of [...new Set([...collector.types.names, ...collector.counts.keys()])]) {
    const row = collector.counts.get(type) ?? new Map<string, number>();
    const counts = columns.map((column) => row.get(column) ?? 0);
    lines.push(`| ${type} | ${counts.join(" | ")} | ${counts.reduce((sum, count) => sum + count, 0)} |`);
  }
  if (collector.failed.length > 0)
    lines.push("", `${collector.failed.length} thread(s) failed and wait for \`leanos resume\`.`);
  return lines;
}

function alerts(collector: TodayCollector): string[] {
  const stuck = [...collector.stuck].sort((a, b) => b.days - b.sla_days - (a.days - a.sla_days));
  const lines = stuck.map(
    (entry) =>
      `- \`${entry.thread}\` has been in **${entry.stage}** for ${entry.days} days (SLA ${entry.sla_days} days)${entry.state === "waiting" ? ": it waits for an answer" : entry.state === "failed" ? `: failed, run \`leanos resume ${entry.thread}\`` : ""}`,
  );
  for (const action of collector.stalled) {
    lines.push(
      `- \`${action.thread}\` ${action.action_id} \`${action.type}\` (owner ${action.owner}) was due ${action.due}: ${action.days_late} day(s) late`,
    );
  }
  for (const failed of collector.failed) {
    if (!lines.some((line) => line.includes(`\`${failed.thread}\``)))
      lines.push(`- \`${failed.thread}\` failed: ${failed.error}; run \`leanos resume ${failed.thread}\``);
  }
  return lines.length > 0 ? lines : ["_No alerts._"];
}

const section = (title: string, lines: string[]): string[] => [`## ${title}`, "", ...lines, ""];

/** The page, from the collected threads and the audit entries of the last 24 hours. */
export function renderToday(
  collector: TodayCollector,
  audit: readonly AuditEntry[],
  /** One line per active goal, where it stands and why (goals/todayLines.ts); none when there are no goals. */
  goals: readonly string[] = [],
): string {
  const now = collector.now;
  const pending = [...collector.pending].sort(
    (a, b) => (b.impact ?? 0) - (a.impact ?? 0) || a.thread.localeCompare(b.thread),
  );
  return [
    `# Today: ${now.toISOString().slice(0, 10)}`,
    "",
    `_Rebuilt by \`leanos today\` at ${minute(now.toISOString())} UTC from ${collector.threads} thread(s) and the audit log. Edits here are overwritten._`,
    "",
    ...section(`Needs your attention (${pending.length})`, attention(pending)),
    ...(goals.length > 0 ? section("Goals", [...goals]) : []),
    ...section("Decisions made by AI (last 24 h)", aiDecisions(audit, now)),
    ...section("Canvas changes (last 24 h)", canvasChanges(audit, now)),
    ...section("Opportunities", opportunities(collector.opportunities)),
    ...section("Snapshot", snapshot(collector)),
    ...section("Alerts", alerts(collector)),
  ].join("\n");
}

export function buildToday(input: {
  now: Date;
  threads: readonly ThreadMeta[];
  audit: readonly AuditEntry[];
  spec: GraphSpec;
  types?: ThreadTypes;
}): string {
  const collector = new TodayCollector(input.spec, input.now, input.types ?? DEFAULT_THREAD_TYPES);
  for (const meta of input.threads) collector.add(meta);
  return renderToday(collector, input.audit);
}
