import { join } from "node:path";
import { writeFileAtomically } from "../files/atomic.js";
import { idleCounts, threadsToRead } from "../runtime/acrossThreads.js";
import type { Runtime } from "../runtime/engine.js";
import { renderToday, TodayCollector } from "./today.js";

export interface TodayResult {
  path: string;
  markdown: string;
  pending: number;
  alerts: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Rebuilds ops/today.md from the workspace as it is now; `collector` may come already filled (a pass fills it as it goes). */
export async function writeToday(runtime: Runtime, collector?: TodayCollector): Promise<TodayResult> {
  const now = runtime.now();
  let filled = collector;
  if (!filled) {
    filled = new TodayCollector(runtime.spec, now);
    for await (const meta of threadsToRead(runtime, now)) filled.add(meta);
    for (const { type, count } of await idleCounts(runtime, now)) filled.addIdle(type, count);
  }
  const audit = await runtime.audit.readSince(new Date(now.getTime() - DAY_MS));
  const markdown = renderToday(filled, audit);
  const path = join(runtime.workspace.root, "ops", "today.md");
  await writeFileAtomically(runtime.workspace.root, path, markdown);
  return { path, markdown, pending: filled.pending.length, alerts: filled.stuck.length + filled.stalled.length + filled.failed.length };
}
