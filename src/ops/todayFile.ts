import { join } from "node:path";
import { writeFileAtomically } from "../files/atomic.js";
import { hasActiveGoals } from "../goals/goalFolder.js";
import { idleCounts, threadsToRead } from "../runtime/acrossThreads.js";
import type { TodaySource } from "./passWorld.js";
import { renderToday, TodayCollector } from "./today.js";

export interface TodayPage {
  markdown: string;
  /** How many questions wait (the page's "Needs your attention"). */
  pending: number;
  alerts: number;
}

export interface TodayResult extends TodayPage {
  path: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Today's page as the workspace is now, without writing it: `leanos today` writes this to
 * ops/today.md, and the web inbox shows it at each request. `collector` may come already filled (a
 * pass fills it as it goes).
 */
export async function todayNow(runtime: TodaySource, collector?: TodayCollector): Promise<TodayPage> {
  const now = runtime.now();
  let filled = collector;
  if (!filled) {
    filled = new TodayCollector(runtime.spec, now, runtime.workspace.threadTypes);
    for await (const meta of threadsToRead(runtime, now)) filled.add(meta);
    for (const { type, count } of await idleCounts(runtime, now)) filled.addIdle(type, count);
  }
  const audit = await runtime.audit.readSince(new Date(now.getTime() - DAY_MS));
  // Goals are read only where there are some: a workspace without any loads no goal reader.
  const goals = hasActiveGoals(runtime.workspace.root)
    ? (await import("../goals/todayLines.js")).goalLines(
        await (
          await import("../goals/overview.js")
        ).goalOverview(runtime.workspace, now.toISOString().slice(0, 10), new Map(), ["active"]),
      )
    : [];
  return {
    markdown: renderToday(filled, audit, goals),
    pending: filled.pending.length,
    alerts: filled.stuck.length + filled.stalled.length + filled.failed.length,
  };
}

/** Rebuilds ops/today.md from the workspace as it is now. */
export async function writeToday(runtime: TodaySource, collector?: TodayCollector): Promise<TodayResult> {
  const page = await todayNow(runtime, collector);
  const path = join(runtime.workspace.root, "ops", "today.md");
  await writeFileAtomically(runtime.workspace.root, path, page.markdown);
  return { path, ...page };
}
