import { FileProblem } from "../errors.js";
import { indexRowOf, rowDifferences, type IndexRow } from "../store/indexRow.js";
import { threadIdOf } from "../core/threadId.js";
import { readThreadMeta } from "../threads/metaFile.js";
import { listThreadNames, threadDir } from "../threads/store.js";
import type { Runtime } from "./engine.js";

// The thread index checked against the thread folders, whose meta.json is the readable truth.

export interface ReindexReport {
  threads: number;
  /** Folders the index had no row for. */
  missing: string[];
  /** Rows that said something else than meta.json, with the fields. */
  differing: Array<{ thread: string; fields: string[] }>;
  /** Rows with no thread folder behind them. */
  orphaned: string[];
  /** Folders whose meta.json cannot be read: left out of the index until restored. */
  unreadable: Array<{ thread: string; problem: string }>;
  /** Threads a live process held: their rows are its to write. */
  busy: string[];
  /** Whether the disagreements were mended (not with --check). */
  mended: boolean;
}

export const disagreements = (report: ReindexReport): number =>
  report.missing.length + report.differing.length + report.orphaned.length;

/**
 * Compares every thread folder's meta.json with its index row, and (unless `check`) mends the index:
 * missing rows added, differing rows rewritten, rows with no folder removed. Each thread is mended
 * holding its lease, so a row a live run is writing is never overwritten with an older meta.json.
 */
export async function reindex(runtime: Runtime, options: { check?: boolean } = {}): Promise<ReindexReport> {
  const { workspace, store } = runtime;
  const rows = new Map((await store.index.rows()).map((row): [string, IndexRow] => [row.thread, row]));
  const report: ReindexReport = {
    threads: 0,
    missing: [],
    differing: [],
    orphaned: [],
    unreadable: [],
    busy: [],
    mended: !options.check,
  };
  for (const thread of await listThreadNames(workspace)) {
    const stored = rows.get(thread);
    rows.delete(thread);
    let meta;
    try {
      meta = await readThreadMeta(workspace.root, threadDir(workspace.threadsDir, thread), workspace.threadTypes);
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      report.unreadable.push({ thread, problem: error.message });
      continue;
    }
    report.threads += 1;
    const expected = indexRowOf(meta);
    const fields = stored ? rowDifferences(stored, expected) : [];
    if (stored && fields.length === 0) continue;
    if (stored) report.differing.push({ thread, fields });
    else report.missing.push(thread);
    if (options.check) continue;
    const mended = await runtime.tryLockThread(threadIdOf(meta), async () =>
      store.index.put(indexRowOf(await runtime.metas.read(thread))),
    );
    if (mended === "busy") report.busy.push(thread);
  }
  report.orphaned = [...rows.keys()];
  if (!options.check) {
    for (const thread of report.orphaned) await store.index.remove(thread);
    await store.index.markBuilt();
  }
  return report;
}

export function formatReindex(report: ReindexReport): string {
  const lines = [
    `${report.threads} thread folder(s) read; ${disagreements(report)} disagreement(s) with the index${report.mended ? "" : " (--check: nothing changed)"}.`,
  ];
  for (const thread of report.missing)
    lines.push(`  missing from the index: ${thread}${report.mended ? " (added)" : ""}`);
  for (const { thread, fields } of report.differing)
    lines.push(
      `  index differs from meta.json: ${thread} (${fields.join(", ")})${report.mended ? " (rewritten from meta.json)" : ""}`,
    );
  for (const thread of report.orphaned)
    lines.push(`  in the index with no thread folder: ${thread}${report.mended ? " (removed)" : ""}`);
  for (const { problem } of report.unreadable) lines.push(`  unreadable, left out: ${problem}`);
  for (const thread of report.busy) lines.push(`  busy in another process, left to it: ${thread}`);
  return lines.join("\n");
}
