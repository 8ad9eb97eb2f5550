import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

// Which threads serve which goal, as their meta.json says (goal_id, set by the input stage or a
// correction): for `leanos goal`, which lists each goal's threads. Read from the thread folders, so it
// costs a file per thread; the commands that must stay fast (pending, a pass) do not ask it.

/** Goal id -> the threads linked to it (type/slug), in name order. */
export async function linkedThreads(threadsDir: string): Promise<Map<string, string[]>> {
  const linked = new Map<string, string[]>();
  if (!existsSync(threadsDir)) return linked;
  for (const type of (await readdir(threadsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory())) {
    for (const slug of await readdir(join(threadsDir, type.name), { withFileTypes: true })) {
      if (!slug.isDirectory()) continue;
      const goal = await goalOf(join(threadsDir, type.name, slug.name, "meta.json"));
      if (goal) linked.set(goal, [...(linked.get(goal) ?? []), `${type.name}/${slug.name}`].sort());
    }
  }
  return linked;
}

async function goalOf(metaFile: string): Promise<string | undefined> {
  try {
    const meta = JSON.parse(await readFile(metaFile, "utf8")) as { goal_id?: unknown };
    return typeof meta.goal_id === "string" ? meta.goal_id : undefined;
  } catch {
    // A thread folder without a readable meta.json is not linked to anything it can show.
    return undefined;
  }
}
