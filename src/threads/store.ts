import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { UsageError, describeZodIssues } from "../errors.js";
import { writeFileAtomically, writeJsonAtomically } from "../files/atomic.js";
import type { ThreadType } from "../stages/schemas.js";
import { ThreadMeta } from "./meta.js";

export const THREAD_TYPES: readonly ThreadType[] = ["business", "sales", "marketing"];

export function threadDir(threadsDir: string, thread: string): string {
  return join(threadsDir, ...thread.split("/"));
}

/**
 * Claims a new thread folder. mkdir without `recursive` fails when the folder exists, so two
 * processes can never take the same slug: a taken slug gets -2, -3, ...
 */
export async function claimThreadFolder(threadsDir: string, type: ThreadType, baseSlug: string): Promise<{ thread: string; dir: string }> {
  await mkdir(join(threadsDir, type), { recursive: true });
  for (let attempt = 1; attempt < 1000; attempt += 1) {
    const slug = attempt === 1 ? baseSlug : `${baseSlug}-${attempt}`;
    const dir = join(threadsDir, type, slug);
    try {
      await mkdir(dir);
      return { thread: `${type}/${slug}`, dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  throw new UsageError(`too many threads named ${type}/${baseSlug}-*`);
}

export async function readThreadMeta(dir: string): Promise<ThreadMeta> {
  const path = join(dir, "meta.json");
  const raw = JSON.parse(await readFile(path, "utf8")) as unknown;
  const parsed = ThreadMeta.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${path}: ${describeZodIssues(parsed.error.issues)}`);
  return parsed.data;
}

export async function writeThreadMeta(dir: string, meta: ThreadMeta): Promise<void> {
  await writeJsonAtomically(join(dir, "meta.json"), ThreadMeta.parse(meta));
}

/** Writes a markdown file with YAML front-matter, atomically. */
export async function writeMarkdown(path: string, frontMatter: Record<string, unknown>, body: string): Promise<void> {
  // JSON round trip drops undefined values, which YAML cannot represent.
  const clean = JSON.parse(JSON.stringify(frontMatter)) as Record<string, unknown>;
  await writeFileAtomically(path, matter.stringify(`\n${body.trim()}\n`, clean));
}

/** Every thread name (`type/slug`) in the workspace. */
export async function listThreadNames(threadsDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const type of THREAD_TYPES) {
    const typeDir = join(threadsDir, type);
    if (!existsSync(typeDir)) continue;
    for (const entry of await readdir(typeDir, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(typeDir, entry.name, "meta.json"))) names.push(`${type}/${entry.name}`);
    }
  }
  return names.sort();
}

/** A thread named by its full name, its slug, or a unique prefix of either. */
export async function resolveThreadName(threadsDir: string, name: string): Promise<string> {
  const wanted = name.replace(/^threads\//, "").replace(/\/+$/, "");
  // A full name needs no listing of the workspace (passes name thousands of threads this way).
  if (/^(sales|marketing|business)\/[a-z0-9-]+$/.test(wanted) && existsSync(join(threadDir(threadsDir, wanted), "meta.json"))) return wanted;
  const all = await listThreadNames(threadsDir);
  const exact = all.filter((thread) => thread === wanted || thread.split("/")[1] === wanted);
  if (exact.length === 1) return exact[0]!;
  const matches = exact.length > 1 ? exact : all.filter((thread) => thread.startsWith(wanted) || thread.split("/")[1]!.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(`unknown thread "${name}" (leanos status lists the threads)`);
  throw new UsageError(`thread "${name}" is ambiguous: ${matches.join(", ")}`);
}
