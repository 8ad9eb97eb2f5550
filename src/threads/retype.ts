import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { moveFolder } from "../files/atomic.js";
import { durableStep } from "../files/crashPoints.js";
import type { ThreadType } from "../core/stageSchemas.js";
import { indexRowOf } from "../store/indexRow.js";
import type { SlugClaims, ThreadIndex } from "../store/store.js";
import { readThreadMeta, writeThreadMeta } from "./metaFile.js";
import { threadDir, type ThreadFolders } from "./store.js";

// A thread whose type a person corrected moves to its type's folder: threads/{type}/{slug}. The
// folder moves in one rename; then meta.json is named for its new place and the index follows. Every
// step can be done again, so a kill at any point is finished by running the move again; meanwhile
// readers go by where the folder is (MetaStore names a meta.json after its folder, and Runtime.resolve
// finds a folder that moved ahead of its index row).

/** The name a thread takes under another type. */
export const retypedName = (thread: string, type: ThreadType): string => `${type}/${thread.split("/")[1]}`;

/**
 * Where the thread `id` named `thread` is: its own folder, or, when a correction's move went ahead of
 * the index and was cut short there, its slug's folder under another type. Its own name when neither.
 */
export async function whereThreadIs(folders: ThreadFolders, thread: string, id: string): Promise<string> {
  const { root, threadsDir, threadTypes } = folders;
  if (existsSync(join(threadDir(threadsDir, thread), "meta.json"))) return thread;
  for (const type of threadTypes.known) {
    const candidate = retypedName(thread, type);
    const dir = threadDir(threadsDir, candidate);
    if (candidate === thread || !existsSync(join(dir, "meta.json"))) continue;
    if ((await readThreadMeta(root, dir, threadTypes).catch(() => undefined))?.id === id) return candidate;
  }
  return thread;
}

/** Refuses a move onto a folder another thread holds; true when the move is done already (a retry). */
export async function checkRetype(
  folders: ThreadFolders,
  id: string,
  thread: string,
  type: ThreadType,
): Promise<boolean> {
  const { root, threadsDir } = folders;
  const target = retypedName(thread, type);
  const dir = threadDir(threadsDir, target);
  if (!existsSync(dir)) return false;
  const there = existsSync(join(dir, "meta.json"))
    ? await readThreadMeta(root, dir, folders.threadTypes).catch(() => undefined)
    : undefined;
  if (there?.id === id) return true;
  throw new UsageError(
    `the type can't become ${type}: threads/${target}/ exists already${there ? ` (thread ${there.thread})` : ""}; move that folder aside, or correct the other fields only; nothing was changed`,
  );
}

/** Moves `thread` (the LangGraph thread `id`) to `type`; returns its new name. Safe to run again after a kill at any point. */
export async function retypeThread(
  parts: ThreadFolders & { claims: SlugClaims; index: ThreadIndex },
  id: string,
  thread: string,
  type: ThreadType,
): Promise<string> {
  const { root, threadsDir, threadTypes } = parts;
  const target = retypedName(thread, type);
  const from = threadDir(threadsDir, thread);
  const to = threadDir(threadsDir, target);
  if (!(await checkRetype(parts, id, thread, type))) {
    if (!(await parts.claims.claim(target, id)) && !(await parts.claims.reclaim(target, id))) {
      throw new UsageError(
        `the type can't become ${type}: another thread is being started as ${target}; try again in a moment; nothing was changed`,
      );
    }
    durableStep(`claim row ${target}`);
    await moveFolder(root, from, to);
  }
  const meta = await readThreadMeta(root, to, threadTypes);
  if (meta.thread !== target || meta.type !== type)
    await writeThreadMeta(root, to, { ...meta, thread: target, type }, threadTypes);
  await parts.index.put(indexRowOf({ ...meta, thread: target, type }));
  durableStep("index row");
  await parts.index.remove(thread);
  durableStep("index row removed");
  return target;
}
