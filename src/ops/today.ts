import type { AuditEntry, AuditEntryOf } from "../audit/log.js";
import type { GraphSpec } from "../graph/spec.js";
import type { PendingItem, ThreadMeta } from "../threads/meta.js";

// ops/today.md, the founder's morning page. It is rebuilt from scratch each time from the threads'
// meta.json, the checkpoints (what waits) and the audit log, so it never drifts from the truth.

export interface TodayInput {
  now: Date;
  threads: ThreadMeta[];
  pending: PendingItem[];
  audit: AuditEntry[];
  spec: GraphSpec;
}

export interface StuckThread {
  thread: string;
  stage: string;
  days: number;
  sla_days: number;
  state: ThreadMeta["state"];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const sinceDay = (now: Date, at: string): boolean => now.getTime() - Date.parse(at) <= DAY_MS && Date.parse(at) <= now.getTime();
const minute = (at: string): string => at.slice(0, 16).replace("T", " ");

/** The stage a thread sits in: the gate it waits at, or the stage after the last one drafted. */
export function currentStage(meta: ThreadMeta, spec: GraphSpec): string | null {
  if (meta.state === "done") return null;
  if (meta.state === "waiting" && meta.pending[0]) return meta.pending[0].stage;
  const stages = spec.nodes.map((node) => node.skill.stage.stage);
  if (meta.stage === null) return stages[0] ?? null;
  return stages[stages.indexOf(meta.stage) + 1] ?? meta.stage;
}

/** Threads that have sat in a stage longer than its `sla_days` in the graph file. */
export function stuckThreads(threads: readonly ThreadMeta[], spec: GraphSpec, now: Date): StuckThread[] {
  const sla = new Map(spec.nodes.filter((node) => node.slaDays !== undefined).map((node) => [node.skill.stage.stage, node.slaDays!]));
  const stuck: StuckThread[] = [];
  for (const meta of threads) {
    const stage = currentStage(meta, spec);
    const limit = stage ? sla.get(stage) : undefined;
    if (!stage || limit === undefined) continue;
    const days = (now.getTime() - Date.parse(meta.updated_at)) / DAY_MS;
    if (days > limit) stuck.push({ thread: meta.thread, stage, days: Math.floor(days * 10) / 10, sla_days: limit, state: meta.state });
  }
  return stuck.sort((a, b) => b.days - b.sla_days - (a.days - a.sla_days));
}

function attention(pending: readonly PendingItem[]): string[] {
  if (pending.length === 0) return ["_Nothing waits for you._"];
  return pending.flatMap((item, index) => [
    `${index + 1}. **[${item.impact ?? "-"}] ${item.kind}** \`${item.thread}\`: ${item.question}`,
    `   - answer: \`leanos approve ${item.thread}\`${item.allowed.includes("edit") ? ` (or \`--edit '{...}'\`)` : ""} · \`leanos reject ${item.thread} --reason "..."\`${item.allowed.includes("respond") ? ` · \`leanos respond ${item.thread} "..."\`` : ""}`,
    ...(item.draft ? [`   - look at: \`${item.draft}\``] : []),
  ]);
}

function aiDecisions(audit: readonly AuditEntry[], now: Date): string[] {
  const lines = audit
    .filter((entry): entry is AuditEntryOf<"gate-answered"> => entry.kind === "gate-answered" && entry.by === "policy" && sinceDay(now, entry.at))
    .map((entry) => `- ${minute(entry.at)} \`${entry.thread}\`: ${entry.summary}${entry.reason ? ` (${entry.reason})` : ""}`);
  return lines.length > 0 ? lines : ["_None in the last 24 hours._"];
}

function canvasChanges(audit: readonly AuditEntry[], now: Date): string[] {
  const changes = audit.filter((entry): entry is AuditEntryOf<"canvas-change"> => entry.kind === "canvas-change" && sinceDay(now, entry.at));
  const grouped = new Map<string, AuditEntryOf<"canvas-change">[]>();
  for (const change of changes) {
    const key = `${change.thread}|${change.assumption ?? `metric ${change.metric}`}`;
    grouped.set(key, [...(grouped.get(key) ?? []), change]);
  }
  const lines = [...grouped.values()].map((group) => {
    const first = group[0]!;
    const fields = group.map((change) => (change.field === "evidence" ? `evidence ${change.to}` : `${change.field} ${change.from} → ${change.to}`)).join(", ");
    return `- **${first.assumption ?? first.metric}** ${fields} via \`threads/${first.thread}\` (approved by ${first.by}${first.commit ? `, commit ${first.commit.slice(0, 7)}` : ""})`;
  });
  return lines.length > 0 ? lines : ["_No canvas changes in the last 24 hours._"];
}

function opportunities(threads: readonly ThreadMeta[]): string[] {
  const rows = threads
    .flatMap((meta) => meta.opportunities.map((opportunity) => ({ meta, opportunity })))
    .sort((a, b) => b.opportunity.priority - a.opportunity.priority);
  if (rows.length === 0) return ["_No opportunities proposed yet._"];
  return rows.map(({ meta, opportunity }) => {
    const status =
      opportunity.status === "started"
        ? `started as \`${opportunity.thread}\``
        : opportunity.status === "proposed"
          ? `waits for approval: \`leanos approve ${meta.thread}\` when it is asked`
          : opportunity.status;
    return `- **[${opportunity.priority}]** ${opportunity.title} (${opportunity.type}) from \`${meta.thread}\`: ${status}. ${opportunity.rationale}`;
  });
}

function snapshot(threads: readonly ThreadMeta[], spec: GraphSpec): string[] {
  const stages = spec.nodes.map((node) => node.skill.stage.stage);
  const columns = [...stages, "done"];
  const types = ["sales", "marketing", "business"] as const;
  const lines = [`| Type | ${columns.join(" | ")} | total |`, `|---|${columns.map(() => "---:").join("|")}|---:|`];
  for (const type of types) {
    const ofType = threads.filter((meta) => meta.type === type);
    const counts = columns.map((column) => ofType.filter((meta) => (column === "done" ? meta.state === "done" : currentStage(meta, spec) === column)).length);
    lines.push(`| ${type} | ${counts.join(" | ")} | ${ofType.length} |`);
  }
  const failed = threads.filter((meta) => meta.state === "failed").length;
  if (failed > 0) lines.push("", `${failed} thread(s) failed and wait for \`leanos resume\`.`);
  return lines;
}

function alerts(threads: readonly ThreadMeta[], spec: GraphSpec, now: Date): string[] {
  const lines = stuckThreads(threads, spec, now).map(
    (stuck) => `- \`${stuck.thread}\` has been in **${stuck.stage}** for ${stuck.days} days (SLA ${stuck.sla_days} days)${stuck.state === "waiting" ? ": it waits for an answer" : stuck.state === "failed" ? `: failed, run \`leanos resume ${stuck.thread}\`` : ""}`,
  );
  for (const meta of threads.filter((candidate) => candidate.state === "failed")) {
    if (!lines.some((line) => line.includes(`\`${meta.thread}\``))) lines.push(`- \`${meta.thread}\` failed: ${meta.error ?? "unknown error"}; run \`leanos resume ${meta.thread}\``);
  }
  return lines.length > 0 ? lines : ["_No alerts._"];
}

const section = (title: string, lines: string[]): string[] => [`## ${title}`, "", ...lines, ""];

export function buildToday(input: TodayInput): string {
  const { now, threads, pending, audit, spec } = input;
  return [
    `# Today: ${now.toISOString().slice(0, 10)}`,
    "",
    `_Rebuilt by \`leanos today\` at ${minute(now.toISOString())} UTC from ${threads.length} thread(s), the checkpoints and the audit log. Edits here are overwritten._`,
    "",
    ...section(`Needs your attention (${pending.length})`, attention(pending)),
    ...section("Decisions made by AI (last 24 h)", aiDecisions(audit, now)),
    ...section("Canvas changes (last 24 h)", canvasChanges(audit, now)),
    ...section("Opportunities", opportunities(threads)),
    ...section("Snapshot", snapshot(threads, spec)),
    ...section("Alerts", alerts(threads, spec, now)),
  ].join("\n");
}
