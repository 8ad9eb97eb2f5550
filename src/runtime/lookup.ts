import type { ThreadMeta } from "../core/threadMeta.js";
import { findThread } from "../threads/store.js";
import type { RuntimeParts } from "./parts.js";
import { fresh, movedFrom } from "./projector.js";

// A thread found by what a person or a script calls it: its name, a unique prefix, or its LangGraph id.

/** The thread a name names, from the index; a folder the index lacks (made by hand, or copied in) is found and indexed. */
async function threadNamed(parts: RuntimeParts, name: string): Promise<string> {
  const { thread, found } = await findThread(parts.store.index, parts.workspace, name);
  if (found === "folders" && !parts.store.readOnly) await parts.metas.indexed(await parts.metas.read(thread));
  return thread;
}

/** A named thread with its meta.json, as its checkpoint has it when a run was cut short (projector.ts). */
export async function resolve(parts: RuntimeParts, name: string): Promise<{ thread: string; meta: ThreadMeta }> {
  const named = await threadNamed(parts, name);
  const row = await parts.store.index.get(named);
  const thread = row ? await movedFrom(parts, named, row.id) : named;
  return { thread, meta: await fresh(parts, await parts.metas.read(thread), thread) };
}
