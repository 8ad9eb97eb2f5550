import { idleCounts, threadsToRead } from "../runtime/acrossThreads.js";
import type { ThreadResult } from "../runtime/engine.js";
import { reindex } from "../runtime/reindex.js";
import { isHeld } from "../store/leases.js";
import { attributeLeads, proposeCampaigns, type CampaignProposal, type LeadLink, type PassStep } from "./campaigns.js";
import { TodayCollector, type StalledAction, type StuckThread } from "./today.js";
import { writeToday } from "./todayFile.js";
import type { PassWorld } from "./passWorld.js";

// One autonomous pass over a workspace: run every step that is due, never cross a gate, look across
// threads for patterns, flag what is stuck, and rewrite ops/today.md. Passes are idempotent (a
// second finds nothing due) and exclusive (a lease in the store). It finds its work through the
// thread index: open threads are read, done ones only counted, and patterns are counted by the
// store, so a pass costs what is open, not what has happened.

export interface PassSummary {
  at: string;
  /** Set when another pass held the lock: this one did nothing. */
  skipped?: string;
  /** With --scan: every thread folder was read first, and the index mended where it disagreed. */
  scanned?: { threads: number; mended: number };
  threads: number;
  advanced: Array<{ thread: string; state: ThreadResult["state"]; pending: number; next_due: string | null }>;
  busy: string[];
  proposed: CampaignProposal[];
  attributed: LeadLink[];
  waiting: number;
  stuck: StuckThread[];
  stalled: StalledAction[];
  failed: Array<{ thread: string; error: string }>;
  today: string;
  stopped_early: boolean;
  ms: number;
  max_rss_mb: number;
  /** The JavaScript heap in use at the end of the pass (what the pass keeps, not what the allocator holds). */
  heap_mb: number;
}

export interface PassControl {
  /** Set by a signal handler: the pass stops after the step in hand. */
  stopping: boolean;
  /** Read every thread folder first and mend the index (leanos reindex) before the pass. */
  scan?: boolean;
  log?: (line: string) => void;
}

export async function runPass(world: PassWorld, control: PassControl = { stopping: false }): Promise<PassSummary> {
  const started = Date.now();
  const lock = await world.store.leases.acquire("pass");
  if (!isHeld(lock)) {
    // Overlapping passes (a slow pass and the next cron tick) are normal: the later one steps aside.
    return emptySummary(
      world,
      started,
      `another pass is running on this workspace (pid ${lock.pid} on ${lock.host}, since ${lock.since}); this one did nothing`,
    );
  }
  const log = control.log ?? (() => undefined);
  try {
    const scanned = control.scan ? await scanFolders(world) : undefined;
    const now = world.now();
    const today = now.toISOString().slice(0, 10);
    const collector = new TodayCollector(world.spec, now, world.workspace.threadTypes);
    const { due, leads } = await readOpenThreads(world, now, collector);
    const step = { control, log };
    const { advanced, busy } = await advanceDue(world, due, collector, step);
    const proposed = await proposeCampaigns(world, today, collector, step);
    const attributed = await attributeLeads(world, leads, busy, step);
    const page = await writeToday(world, collector);
    return {
      at: now.toISOString(),
      ...(scanned ? { scanned } : {}),
      threads: collector.threads,
      advanced,
      busy,
      proposed,
      attributed,
      waiting: collector.pending.length,
      stuck: collector.stuck,
      stalled: collector.stalled,
      failed: collector.failed,
      today: page.path,
      stopped_early: control.stopping,
      ms: Date.now() - started,
      max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      heap_mb: Math.round(process.memoryUsage().heapUsed / 1048576),
    };
  } finally {
    await lock.release();
  }
}

/**
 * One look at the open threads: what is due (scheduled for today or before, or a run interrupted),
 * what the page needs (the rest, and a count of the idle ones), the leads not yet linked to a campaign.
 */
async function readOpenThreads(
  world: PassWorld,
  now: Date,
  collector: TodayCollector,
): Promise<{ due: Array<{ thread: string; when: string }>; leads: Array<{ thread: string; text: string }> }> {
  const today = now.toISOString().slice(0, 10);
  const due: Array<{ thread: string; when: string }> = [];
  const leads: Array<{ thread: string; text: string }> = [];
  for await (const meta of threadsToRead(world, now)) {
    const isDue =
      (meta.state === "scheduled" && meta.next_due !== null && meta.next_due <= today) || meta.state === "running";
    if (isDue) due.push({ thread: meta.thread, when: meta.next_due ?? "" });
    else collector.add(meta);
    if (meta.type === "sales" && !meta.attribution && !meta.attribution_checked)
      leads.push({ thread: meta.thread, text: meta.event.text });
  }
  for (const { type, count } of await idleCounts(world, now)) collector.addIdle(type, count);
  return { due, leads };
}

/** Runs each due thread's step, earliest first, until a signal stops the pass; every one is added to the page. */
async function advanceDue(
  world: PassWorld,
  due: Array<{ thread: string; when: string }>,
  collector: TodayCollector,
  { control, log }: PassStep,
): Promise<{ advanced: PassSummary["advanced"]; busy: string[] }> {
  const advanced: PassSummary["advanced"] = [];
  const busy: string[] = [];
  if (due.length === 0) return { advanced, busy };
  const runtime = await world.runtime();
  for (const entry of due.sort((a, b) => a.when.localeCompare(b.when) || a.thread.localeCompare(b.thread))) {
    if (!control.stopping) {
      log(`advancing ${entry.thread}${entry.when ? ` (due ${entry.when})` : " (interrupted run)"}`);
      const result = await runtime.advance(entry.thread);
      if (result === "busy") busy.push(entry.thread);
      else if (result !== undefined) {
        const meta = (await runtime.resolve(entry.thread)).meta;
        advanced.push({
          thread: entry.thread,
          state: result.state,
          pending: result.pending.length,
          next_due: meta.next_due,
        });
      }
    }
    collector.add((await runtime.resolve(entry.thread)).meta);
  }
  return { advanced, busy };
}

/** Reads every thread folder and mends the index where it disagrees (a pass with --scan). */
async function scanFolders(world: PassWorld): Promise<{ threads: number; mended: number }> {
  const report = await reindex(await world.runtime());
  return { threads: report.threads, mended: report.missing.length + report.differing.length + report.orphaned.length };
}

function emptySummary(world: PassWorld, started: number, skipped: string): PassSummary {
  return {
    at: world.now().toISOString(),
    skipped,
    threads: 0,
    advanced: [],
    busy: [],
    proposed: [],
    attributed: [],
    waiting: 0,
    stuck: [],
    stalled: [],
    failed: [],
    today: "",
    stopped_early: false,
    ms: Date.now() - started,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    heap_mb: Math.round(process.memoryUsage().heapUsed / 1048576),
  };
}

export function formatPass(summary: PassSummary): string {
  if (summary.skipped) return `Pass skipped: ${summary.skipped}`;
  const lines = [
    ...(summary.scanned
      ? [`Scanned ${summary.scanned.threads} thread folder(s); mended ${summary.scanned.mended} index row(s).`]
      : []),
    `Pass at ${summary.at.slice(0, 16).replace("T", " ")} UTC over ${summary.threads} thread(s) in ${summary.ms} ms${summary.stopped_early ? " (stopped early by a signal)" : ""}:`,
    `  advanced ${summary.advanced.length}: ${summary.advanced.map((entry) => `${entry.thread} -> ${entry.state}${entry.next_due ? ` (next ${entry.next_due})` : ""}`).join(", ") || "nothing was due"}`,
  ];
  if (summary.busy.length > 0) lines.push(`  busy elsewhere, left for the next pass: ${summary.busy.join(", ")}`);
  for (const proposal of summary.proposed)
    lines.push(`  proposed ${proposal.thread} from pattern ${proposal.pattern} (${proposal.sources.join(", ")})`);
  for (const link of summary.attributed) lines.push(`  attributed ${link.thread} to ${link.campaign}`);
  lines.push(
    `  waiting for a human: ${summary.waiting}; stuck past SLA: ${summary.stuck.length}; stalled actions: ${summary.stalled.length}; failed: ${summary.failed.length}`,
  );
  lines.push(`  wrote ${summary.today}`);
  return lines.join("\n");
}
