import { existsSync } from "node:fs";
import { join } from "node:path";
import { sendsOut } from "../core/policy.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { readText } from "../files/readText.js";
import type { ActionTemplate } from "../stages/context.js";
import { workspaceCurrency } from "../text/money.js";
import { breaches, describeBreach } from "../values/check.js";
import { VALUES_FILE, readValues } from "../values/valuesFile.js";
import type { ExecutionEnv } from "./env.js";
import type { MissingInput } from "./missingInput.js";

// An action that would break a measurable hard constraint of strategy/values.md does not run: it is
// blocked, and waits for a person with the constraint and what breaks it (values/check.ts). Checked
// where an action runs (executor.ts) and again where its question is asked, so the wait says why.

/** Capabilities that read (score a lead, measure figures) and commit nothing: no hard constraint is theirs to break. */
export const committing = (template: ActionTemplate): boolean =>
  template.action.executor !== "icp-score" && template.action.executor !== "metrics";

/** The documents an action carries out, as they are now (one no longer there reads as nothing). */
export const documentTexts = (root: string, documents: readonly string[]): Promise<string[]> =>
  Promise.all(documents.filter((path) => existsSync(join(root, path))).map((path) => readText(root, path)));

/** What the check reads of an action besides its documents: the thread's event, the action's title and note. */
export const ownTexts = (eventText: string, action: PlannedAction): string[] => [
  eventText,
  action.title,
  action.note ?? "",
];

/** The first hard constraint `texts` break, as what the action waits for; undefined when it breaks none. */
export async function breachedConstraint(
  root: string,
  home: string,
  check: { texts: readonly string[]; sends: boolean; now: Date },
): Promise<MissingInput | undefined> {
  const values = await readValues(root, home);
  const [breach] = breaches(values, check, home);
  if (!breach) return undefined;
  return {
    reason: describeBreach(breach, VALUES_FILE),
    add: `change the plan (edit the documents, or reject the action), or ${VALUES_FILE} if the constraint no longer holds; then accept to check it again`,
    values: true,
  };
}

/** Whether the action, as it stands, breaks a hard constraint. */
export async function valuesBreach(
  env: ExecutionEnv,
  action: PlannedAction,
  template: ActionTemplate,
  documents: readonly string[] = action.artifacts ?? [],
): Promise<MissingInput | undefined> {
  const root = env.context.workspaceRoot;
  return breachedConstraint(root, workspaceCurrency(env.context.canvas), {
    texts: [...ownTexts(env.context.event.text, action), ...(await documentTexts(root, documents))],
    sends: sendsOut(template),
    now: env.now,
  });
}
