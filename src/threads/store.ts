import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { containedPath } from "../files/contained.js";
import { durableStep } from "../files/crashPoints.js";
import { tempPath, writeFileAtomically, writeJsonAtomically } from "../files/atomic.js";
import type { ThreadType } from "../core/stageSchemas.js";
import { BUILT_IN_TYPES, BUSINESS_NAMES, TYPE_NAME, type ThreadTypes } from "../core/threadTypes.js";
import type { SlugClaims, ThreadIndex } from "../store/store.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import { metaSchemaOf, readThreadMeta } from "./metaFile.js";

/** Where a workspace's threads are, and the types it knows (the folders under threads/). */
export interface ThreadFolders {
  root: string;
  threadsDir: string;
  threadTypes: ThreadTypes;
}

export function threadDir(threadsDir: string, thread: string): string {
  return join(threadsDir, ...thread.split("/"));
}

/**
 * Claims a new thread name and folder with its meta.json. The name is claimed first as a unique row
 * in the store, so two processes (or machines) never take the same slug: a taken slug gets -2, -3,
 * ... Then the folder is made whole in .leanos/tmp/ and renamed into place (a rename never lands on
 * a folder that has files), so a crash leaves either no thread or a whole one, never a half.
 */
export async function claimThreadFolder(
  folders: ThreadFolders,
  type: ThreadType,
  baseSlug: string,
  metaFor: (thread: string, slug: string) => ThreadMeta,
  /** The thread id claiming it; a folder whose meta.json records it is taken up (a retry of a start cut short). */
  id: string,
  /** Thread names taken by any process on any machine: a name is claimed there before its folder is made. */
  claims: SlugClaims,
): Promise<{ thread: string; dir: string; meta: ThreadMeta; existing: boolean }> {
  const { root, threadsDir, threadTypes } = folders;
  await mkdir(containedPath(root, join(threadsDir, type)), { recursive: true });
  const staging = await tempPath(root, "claim");
  await mkdir(staging);
  try {
    for (let attempt = 1; attempt < 1000; attempt += 1) {
      const slug = attempt === 1 ? baseSlug : `${baseSlug}-${attempt}`;
      const thread = `${type}/${slug}`;
      const dir = containedPath(root, join(threadsDir, type, slug));
      if (existsSync(join(dir, "meta.json"))) {
        const existing = await readThreadMeta(root, dir, threadTypes);
        if (existing.id === id) return { thread, dir, meta: existing, existing: true };
        continue;
      }
      // A claim with no folder behind it is a start in progress, or one killed before its folder:
      // that one is taken over once its process is gone, so a crash never burns a name.
      if (!(await claims.claim(thread, id)) && !(await claims.reclaim(thread, id))) continue;
      durableStep(`claim row ${thread}`);
      const meta = (await metaSchemaOf(threadTypes)).parse(metaFor(thread, slug));
      await writeJsonAtomically(root, join(staging, "meta.json"), meta);
      try {
        await rename(staging, dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOTEMPTY" || code === "EEXIST") continue;
        throw error;
      }
      durableStep(`claim ${thread}`);
      return { thread, dir, meta, existing: false };
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  throw new UsageError(`too many threads named ${type}/${baseSlug}-*`);
}

/** Writes a markdown file with YAML front-matter, atomically. */
export async function writeMarkdown(
  root: string,
  path: string,
  frontMatter: Record<string, unknown>,
  body: string,
): Promise<void> {
  // JSON round trip drops undefined values, which YAML cannot represent.
  const clean = JSON.parse(JSON.stringify(frontMatter)) as Record<string, unknown>;
  // Loaded when a stage file is written: the readers of threads never need it.
  const { withFrontMatter } = await import("../files/frontMatter.js");
  await writeFileAtomically(root, path, withFrontMatter(`\n${body.trim()}\n`, clean));
}

/** Every thread name (`type/slug`) in the workspace: the folders of the types it knows (a folder of any other is not a thread of it). */
export async function listThreadNames(folders: ThreadFolders): Promise<string[]> {
  const { root, threadsDir } = folders;
  const names: string[] = [];
  for (const type of folders.threadTypes.known) {
    const typeDir = join(threadsDir, type);
    if (!existsSync(containedPath(root, typeDir))) continue;
    for (const entry of await readdir(typeDir, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(typeDir, entry.name, "meta.json")))
        names.push(`${type}/${entry.name}`);
    }
  }
  return names.sort();
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The shortest prefix that may name a thread: shorter ones match too much by accident. */
const MIN_PREFIX = 3;

/** A full thread name, type/slug, as a person may type it. */
const FULL_NAME = new RegExp(`^${TYPE_NAME.source.slice(1, -1)}/[a-z0-9-]+$`);

/**
 * What a person typed as a thread name, checked before any lookup. `types` are the type names it
 * must not be (LeanOS's, and those of the threads looked among).
 */
function wantedName(name: string, types: Iterable<string>): string {
  const wanted = name
    .trim()
    .toLowerCase()
    .replace(/^threads\//, "")
    .replace(/\/+$/, "");
  if (wanted.length === 0)
    throw new UsageError(
      `"${name}" names no thread: give a thread as type/slug, its slug, or a unique prefix (leanos status lists them)`,
    );
  if (!/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9-]*)?$/.test(wanted)) {
    throw new UsageError(
      `"${name}" is not a thread name: names are type/slug (letters, digits, hyphens), e.g. sales/elsaai-deal-closed`,
    );
  }
  if (new Set(types).has(wanted))
    throw new UsageError(
      `"${name}" is a thread type, not a thread: name one of its threads (leanos status lists them)`,
    );
  return wanted;
}

/** The type names a name must not be: LeanOS's (by either name of business), the lookup's, and those of `names`. */
const typeNamesOf = (names: readonly string[], more: readonly string[] = []): Set<string> =>
  new Set([...BUILT_IN_TYPES, ...BUSINESS_NAMES, ...more, ...names.map((thread) => thread.split("/")[0]!)]);

/** Where thread names are looked up: the store's index, or the thread folders on disk. */
export interface ThreadLookup {
  /** The thread recording this LangGraph thread id. */
  withId(id: string): Promise<string | undefined>;
  exists(thread: string): Promise<boolean>;
  names(): Promise<string[]>;
  /** The thread types of the workspace looked in, when it is known. */
  types?: readonly string[];
}

export const indexLookup = (index: ThreadIndex): ThreadLookup => ({
  withId: async (id) => (await index.byId(id))?.thread,
  exists: async (thread) => (await index.get(thread)) !== undefined,
  names: () => index.names(),
});

export const diskLookup = (workspace: ThreadFolders): ThreadLookup => ({
  withId: async (id) => {
    for (const thread of await listThreadNames(workspace)) {
      if (
        (await readThreadMeta(workspace.root, threadDir(workspace.threadsDir, thread), workspace.threadTypes)).id === id
      )
        return thread;
    }
    return undefined;
  },
  exists: async (thread) =>
    existsSync(join(containedPath(workspace.root, threadDir(workspace.threadsDir, thread)), "meta.json")),
  names: () => listThreadNames(workspace),
  types: workspace.threadTypes.known,
});

/** No thread has this name or id (where it was looked up). */
export class UnknownThread extends UsageError {}

/**
 * A thread named by its full name, its slug, or a unique prefix of its slug (at least 3 characters,
 * with or without its type in front).
 */
export async function resolveThreadName(lookup: ThreadLookup, name: string): Promise<string> {
  // A LangGraph thread id (what LangGraph's server and its clients call a thread) names one too.
  if (UUID.test(name.trim())) {
    const id = name.trim().toLowerCase();
    const thread = await lookup.withId(id);
    if (thread) return thread;
    throw new UnknownThread(`no thread has the id ${id} (leanos status lists the threads)`);
  }
  const wanted = wantedName(name, typeNamesOf([], lookup.types));
  // A full name needs no listing of the workspace (passes name thousands of threads this way).
  if (FULL_NAME.test(wanted) && (await lookup.exists(wanted))) return wanted;
  return pickThread(await lookup.names(), name, lookup.types);
}

/**
 * A thread by name from the index, else from the thread folders (one made by hand or copied in, which
 * the index lacks); `found` says which, so a caller that may write can index a folder it found.
 */
export async function findThread(
  index: ThreadIndex,
  workspace: ThreadFolders,
  name: string,
): Promise<{ thread: string; found: "index" | "folders" }> {
  try {
    return { thread: await resolveThreadName(indexLookup(index), name), found: "index" };
  } catch (error) {
    if (!(error instanceof UnknownThread)) throw error;
    return { thread: await resolveThreadName(diskLookup(workspace), name), found: "folders" };
  }
}

/** The one of `all` (thread names) that `name` names: exactly, by its slug, or by a unique prefix of at least 3 characters. */
export function pickThread(all: readonly string[], name: string, types: readonly string[] = []): string {
  const wanted = wantedName(name, typeNamesOf(all, types));
  const exact = all.filter((thread) => thread === wanted || thread.split("/")[1] === wanted);
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1) throw new UsageError(`thread "${name}" is ambiguous: ${exact.join(", ")}`);
  const [typed, slugPart] = wanted.includes("/") ? (wanted.split("/") as [string, string]) : [undefined, wanted];
  if (slugPart.length < MIN_PREFIX)
    throw new UnknownThread(
      `unknown thread "${name}": a prefix must have at least ${MIN_PREFIX} characters of the slug (leanos status lists the threads)`,
    );
  const matches = all.filter((thread) => {
    const [type, slug] = thread.split("/") as [string, string];
    return (typed === undefined || type === typed) && slug.startsWith(slugPart);
  });
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UnknownThread(`unknown thread "${name}" (leanos status lists the threads)`);
  throw new UsageError(`thread "${name}" is ambiguous: ${matches.join(", ")}`);
}
