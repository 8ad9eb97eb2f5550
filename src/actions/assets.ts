import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "../files/atomic.js";
import type { ActionTemplate } from "../stages/context.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { BUSINESS_NAMES, DEFAULT_THREAD_TYPES, kindOfType, type ThreadTypes } from "../core/threadTypes.js";
import { markDrafted, type DraftedBy } from "./draftedBy.js";
import type { ExecutionEnv } from "./env.js";
import { renderAsset } from "./view.js";

// An action's documents: its template's assets, filled with the thread's view and (when the provider
// writes documents) finished by the model, written into the thread's artifact folder with who drafted them.

/**
 * The folder an action's documents go to: by the action's family (sales:, marketing:, business:),
 * under the thread's slug. A business action's go under the thread's own type when the thread is of
 * the business kind (business, operations, or a type the workspace declares: artifacts/product/...),
 * else under the workspace's name of business (artifacts/business/, or artifacts/operations/).
 */
export function artifactDir(thread: string, type: string, types: ThreadTypes): string {
  const [kind, slug] = thread.split("/") as [string, string];
  const family = type.split(":")[0]!;
  if (family === "marketing") return join("artifacts", "marketing", "campaigns", slug);
  if (family === "sales") return join("artifacts", "sales", slug);
  if ((BUSINESS_NAMES as readonly string[]).includes(family))
    return join("artifacts", kindOfType(kind) === "business" ? kind : types.business, slug);
  return join("artifacts", family || kind, slug);
}

export async function assetNames(template: ActionTemplate): Promise<string[]> {
  const dir = join(template.dir, "assets");
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((name) => name.endsWith(".md")).sort();
}

/** Renders the template's assets; a second action of the same type in the thread gets its own file names. */
export async function renderAssets(
  env: ExecutionEnv,
  action: PlannedAction,
  template: ActionTemplate,
  view: Record<string, unknown>,
  plan: readonly PlannedAction[],
  suffix = "",
): Promise<string[]> {
  const root = env.context.workspaceRoot;
  const dir = artifactDir(env.context.thread, action.type, env.context.threadTypes ?? DEFAULT_THREAD_TYPES);
  const takenByOthers = new Set(
    plan.filter((other) => other.id !== action.id).flatMap((other) => other.artifacts ?? []),
  );
  const documents: Array<{ name: string; path: string; skeleton: string }> = [];
  for (const name of await assetNames(template)) {
    const text = await readFile(join(template.dir, "assets", name), "utf8");
    let path = join(dir, suffix ? name.replace(/\.md$/, `-${suffix}.md`) : name);
    if (takenByOthers.has(path))
      path = join(dir, name.replace(/\.md$/, `-${action.id}${suffix ? `-${suffix}` : ""}.md`));
    documents.push({ name, path, skeleton: renderAsset(text, view) });
  }
  let finished: Map<string, string> | undefined;
  if (documents.length > 0 && env.drafter?.writeDocuments) {
    // One call for all of the action's documents: they share the thread's cached prefix and facts.
    const answer = await env.drafter.writeDocuments({
      context: env.context,
      action,
      instructions: template.body,
      documents,
      ...(env.following ? { following: env.following } : {}),
    });
    finished = answer.texts;
    for (const usage of answer.usage) await env.onUsage?.(`${action.id} ${action.type}`, usage);
  }
  for (const document of documents) {
    const text = finished?.get(document.name);
    const written = text === undefined ? document.skeleton : text.endsWith("\n") ? text : `${text}\n`;
    await writeFileAtomically(
      root,
      document.path,
      markDrafted(document.path, written, draftedBy(env, text !== undefined)),
    );
  }
  return documents.map((document) => document.path);
}

/** Who wrote an action's documents: the model that finished them, or the rules or template that filled them. */
function draftedBy(env: ExecutionEnv, byModel: boolean): DraftedBy {
  if (byModel || env.drafter?.provider === "offline")
    return { drafted_by: env.drafter!.provider, model: env.drafter!.model };
  return { drafted_by: "template" };
}
