import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Runtime } from "../../src/runtime/engine.js";
import { indexRowOf } from "../../src/store/indexRow.js";
import { ThreadMeta } from "../../src/core/threadMeta.js";

// Many threads waiting at a gate, made fast: one real thread, drafted to its gate, copied. Each copy
// has its own folder (its meta.json naming its own files), its own checkpoints (the original's rows
// under a new thread id, so reading its question is a real checkpoint read) and its own index row.
// A copy can be read and shown like any thread; it is not meant to be answered. Used by the web
// tests and bench/inbox.ts (so it imports nothing of vitest).

export interface Copied {
  thread: string;
  impact: number;
}

/**
 * Copies the waiting thread `original` of `workspace` `count` times, as `{slug}-copy-00001`... (the
 * next free numbers) with the impacts `impactOf(n)` gives (the original keeps its own).
 */
export async function copyWaitingThread(
  workspace: string,
  original: string,
  count: number,
  impactOf: (n: number) => number,
): Promise<Copied[]> {
  const source = JSON.parse(
    await readFile(join(workspace, "threads", ...original.split("/"), "meta.json"), "utf8"),
  ) as ThreadMeta;
  const sourceText = await readFile(join(workspace, "threads", ...original.split("/"), "meta.json"), "utf8");
  const sourceId = source.id!;
  const copies: ThreadMeta[] = [];
  const db = new Database(join(workspace, ".leanos", "checkpoints.sqlite"));
  try {
    const checkpoints = db.prepare(
      "INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata) SELECT ?, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata FROM checkpoints WHERE thread_id = ?",
    );
    const writes = db.prepare(
      "INSERT INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value) SELECT ?, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value FROM writes WHERE thread_id = ?",
    );
    for (let n = 1, made = 0; made < count; n += 1) {
      const slug = `${source.slug}-copy-${String(n).padStart(5, "0")}`;
      // Numbers already taken (by an earlier call) are skipped.
      if (existsSync(join(workspace, "threads", source.type, slug))) continue;
      made += 1;
      const id = randomUUID();
      const impact = impactOf(n);
      const meta = ThreadMeta.parse(
        JSON.parse(
          sourceText
            .replaceAll(`/${source.slug}`, `/${slug}`)
            .replaceAll(`"${source.slug}"`, `"${slug}"`)
            .replaceAll(sourceId, id),
        ),
      );
      meta.impact = impact;
      meta.title = `${source.title} (copy ${n})`;
      meta.pending = meta.pending.map((item) => ({ ...item, impact }));
      const dir = join(workspace, "threads", ...meta.thread.split("/"));
      await cp(join(workspace, "threads", ...original.split("/")), dir, { recursive: true });
      await writeFile(join(dir, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
      checkpoints.run(id, sourceId);
      writes.run(id, sourceId);
      copies.push(meta);
    }
  } finally {
    db.close();
  }
  const runtime = await Runtime.open({ workspace, provider: "offline" });
  try {
    for (const meta of copies) await runtime.store.index.put(indexRowOf(meta));
  } finally {
    await runtime.close();
  }
  return copies.map((meta) => ({ thread: meta.thread, impact: meta.impact! }));
}
