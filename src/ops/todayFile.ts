import { join } from "node:path";
import { writeFileAtomically } from "../files/atomic.js";
import type { Runtime } from "../runtime/engine.js";
import { buildToday, stuckThreads, type StuckThread } from "./today.js";

export interface TodayResult {
  path: string;
  markdown: string;
  pending: number;
  alerts: StuckThread[];
}

/** Rebuilds ops/today.md from the workspace as it is now. */
export async function writeToday(runtime: Runtime): Promise<TodayResult> {
  const now = runtime.now();
  const threads = await runtime.threads();
  const pending = await runtime.pending();
  const markdown = buildToday({ now, threads, pending, audit: await runtime.audit.read(), spec: runtime.spec });
  const path = join(runtime.workspace.root, "ops", "today.md");
  await writeFileAtomically(path, markdown);
  return { path, markdown, pending: pending.length, alerts: stuckThreads(threads, runtime.spec, now) };
}
