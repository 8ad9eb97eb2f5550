import { join } from "node:path";
import { FileProblem, describeZodIssues } from "../errors.js";
import { writeJsonAtomically } from "../files/atomic.js";
import { calendarDate, quickCheck, quickOrZod } from "../files/quickCheck.js";
import { readText } from "../files/readText.js";
import type { ThreadMeta } from "../core/threadMeta.js";
import type { ThreadTypes } from "../core/threadTypes.js";
import { validateThreadMeta } from "../validators/read.generated.js";

// A thread's meta.json read and written: read with the validator generated from its schema (no zod
// for the commands that only read), written through zod, the schema itself.

/** meta.json's zod schema for the workspace's types: loaded where a meta is written, or read and not vouched for. */
export const metaSchemaOf = async (types: ThreadTypes) => (await import("../core/threadMeta.js")).threadMetaIn(types);

/** meta.json as the generated validator takes it, with its defaults; undefined when only zod can say. */
export const quickThreadMeta = (raw: unknown, types: ThreadTypes): ThreadMeta | undefined =>
  quickCheck<ThreadMeta>(raw, validateThreadMeta, (meta) => refinementsHold(meta, types));

/** What threadMetaIn's refinements ask of a meta the generated validator took: a real date, types the workspace knows. */
function refinementsHold(meta: ThreadMeta, types: ThreadTypes): boolean {
  const known = new Set(types.known);
  const named = meta.thread.split("/")[0]!;
  return (
    calendarDate(meta.event.date) &&
    known.has(meta.type) &&
    (named === meta.type || known.has(named)) &&
    meta.opportunities.every(
      (opportunity) =>
        (opportunity.status !== "proposed" && opportunity.status !== "approved") || known.has(opportunity.type),
    )
  );
}

/** A thread's meta.json, checked against the workspace's types (a thread of a type it does not know is refused). */
export async function readThreadMeta(root: string, dir: string, types: ThreadTypes): Promise<ThreadMeta> {
  const path = join(dir, "meta.json");
  const text = await readText(root, path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FileProblem(
      path,
      `is not valid JSON (${(error as Error).message}); restore it (git checkout, or a backup) or move the thread folder aside`,
    );
  }
  const parsed = await quickOrZod(quickThreadMeta(raw, types), raw, () => metaSchemaOf(types));
  if (!parsed.success)
    throw new FileProblem(
      path,
      `${describeZodIssues(parsed.error.issues)}; restore it (git checkout, or a backup) or move the thread folder aside`,
    );
  return parsed.data;
}

export async function writeThreadMeta(root: string, dir: string, meta: ThreadMeta, types: ThreadTypes): Promise<void> {
  await writeJsonAtomically(root, join(dir, "meta.json"), (await metaSchemaOf(types)).parse(meta));
}
