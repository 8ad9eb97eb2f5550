import { committing, valuesBreach } from "./valuesGate.js";
import { faultPoint } from "../files/crashPoints.js";
import { idempotencyKey } from "../stages/actionKey.js";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeJsonAtomically } from "../files/atomic.js";
import type { ActionTemplate, Review } from "../stages/context.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { sendsOut } from "../core/policy.js";
import { renderAssets } from "./assets.js";
import { capabilityView, type Channel } from "./capability.js";
import type { SendReceipt } from "./connectors.js";
import type { ExecutionEnv } from "./env.js";
import { findingsMissing } from "./findings.js";
import type { MissingInput } from "./inputs.js";
import { sendApproved } from "./send.js";

// Runs one action: renders the template's assets into the thread's artifact folder, applies the
// template's capability (ICP scoring, reading metrics, gathering findings, sending through a
// connector) and reports an outcome. A ledger entry per action makes a second run return the first
// run's result. An action whose capability lacks its inputs reports no outcome: it waits for a person.
// The parts: assets.ts (documents), capability.ts (what each capability adds), send.ts (connectors).

export type { ExecutionEnv } from "./env.js";
export { artifactDir } from "./assets.js";
export { inputWait, missingInputs } from "./capability.js";

export const ActionRun = z.object({
  key: z.string(),
  outcome: z.string(),
  artifacts: z.array(z.string()),
  receipts: z.array(
    z.object({ connector: z.string(), channel: z.string(), status: z.enum(["dry-run", "sent"]), ref: z.string() }),
  ),
  at: z.string(),
});
export type ActionRun = z.infer<typeof ActionRun>;

/** An action that could not run for want of its inputs: nothing is recorded, and a person is asked. */
export interface ActionWaits {
  waits: MissingInput;
  /** What it wrote for the person (the lead as received, the record without figures, the investigation to fill in). */
  artifacts: string[];
}

/** Capabilities whose result is made from inputs outside the action's files: always made afresh when it runs. */
const FROM_INPUTS: ReadonlySet<string> = new Set(["icp-score", "metrics"]);

/** For an action a person must act on first: the material they need (call script, drafts to approve...). */
export async function prepareAction(
  env: ExecutionEnv,
  action: PlannedAction,
  template: ActionTemplate,
  plan: readonly PlannedAction[],
): Promise<string[]> {
  return renderAssets(env, action, template, (await capabilityView(env, action, template, plan)).view, plan);
}

function ledgerPath(env: ExecutionEnv, action: PlannedAction, check?: number): string {
  return join(env.threadDir, "5-actions", "ledger", `${action.id}${check ? `-day${check}` : ""}.json`);
}

/** What an earlier run of this very action (or check of it) recorded, if any. */
export async function recordedRun(
  env: ExecutionEnv,
  action: PlannedAction,
  check?: number,
): Promise<ActionRun | undefined> {
  const path = ledgerPath(env, action, check);
  if (!existsSync(path)) return undefined;
  const run = ActionRun.parse(JSON.parse(await readFile(path, "utf8")));
  return run.key === action.key ? run : undefined;
}

/**
 * Runs an AI action (approved first where it needs a person). `approval` is the person's answer for
 * actions that send: without an accepted one, nothing leaves the machine. An action that lacks its
 * inputs records nothing and returns why (ActionWaits), with what it wrote for the person.
 */
export async function runAction(
  env: ExecutionEnv,
  action: PlannedAction,
  template: ActionTemplate,
  plan: readonly PlannedAction[],
  approval: Review | undefined,
  check?: number,
): Promise<ActionRun | ActionWaits> {
  const earlier = await recordedRun(env, action, check);
  if (earlier) return earlier;
  const { view, missing, found } = await capabilityView(env, action, template, plan);
  if (check) view.check_day = check;
  const root = env.context.workspaceRoot;
  // What a person approved is what runs: prepared material is used as it is, never redrafted (an
  // investigation's findings a person wrote in are kept so). A score or a measurement is made again
  // from the inputs as they are when it runs.
  const prepared =
    check || FROM_INPUTS.has(template.action.executor)
      ? []
      : (action.artifacts ?? []).filter((path) => existsSync(join(root, path)));
  // A document for an action that cannot run is the template's, filled: no model is asked to finish it.
  const renderEnv = missing ? { ...env, drafter: undefined } : env;
  const artifacts =
    prepared.length > 0
      ? prepared
      : await renderAssets(renderEnv, action, template, view, plan, check ? `day${check}` : "");
  // A hard constraint of strategy/values.md it would break stops it here, whoever approved it.
  const breach = check || !committing(template) ? undefined : await valuesBreach(env, action, template, artifacts);
  if (breach) return { waits: breach, artifacts };
  const waits = missing ?? (found !== undefined ? await findingsMissing(root, artifacts, found) : undefined);
  if (waits) return { waits, artifacts };
  let outcome = template.action.default_outcome ?? Object.keys(template.action.outcomes)[0]!;
  if (template.action.executor === "icp-score") outcome = (view.icp as { fit: boolean }).fit ? "fit" : "poor-fit";
  const receipts: SendReceipt[] = [];
  if (sendsOut(template)) {
    const sent = await sendApproved(env, action, view.channels as Channel[], artifacts, approval);
    receipts.push(...sent.receipts);
    artifacts.push(sent.record);
  }
  return recordRun(env, action, check, { outcome, artifacts, receipts });
}

/** Writes the run to the ledger before the checkpoint, so a resume, a retry or a second process finds it. */
async function recordRun(
  env: ExecutionEnv,
  action: PlannedAction,
  check: number | undefined,
  result: Pick<ActionRun, "outcome" | "artifacts" | "receipts">,
): Promise<ActionRun> {
  const run: ActionRun = {
    key: action.key ?? idempotencyKey(env.context.thread, action),
    ...result,
    at: env.now.toISOString(),
  };
  await writeJsonAtomically(env.context.workspaceRoot, ledgerPath(env, action, check), run);
  // A test hook: die right after the side effects, before the checkpoint records them.
  faultPoint(action.type);
  return run;
}
