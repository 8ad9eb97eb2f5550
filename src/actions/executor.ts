import { idempotencyKey } from "../stages/actionKey.js";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { z } from "zod";
import { RuntimeFailure } from "../errors.js";
import { writeFileAtomically, writeJsonAtomically } from "../files/atomic.js";
import type { ModelUsage, StageDrafter } from "../stages/drafter.js";
import type { ActionTemplate, Review, StageContext } from "../stages/context.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { BUSINESS_NAMES, DEFAULT_THREAD_TYPES, kindOfType, type ThreadTypes } from "../core/threadTypes.js";
import type { Connector, SendReceipt } from "./connectors.js";
import { draftedMark, markDrafted, type DraftedBy } from "./draftedBy.js";
import { canvasFindings, findingsMissing } from "./findings.js";
import { icpToScore, scoreLead } from "./icp.js";
import type { InputWait, MissingInput } from "./inputs.js";
import { campaignMetrics, metricsMissing, readMetricsRows } from "./metricsSource.js";
import { describeUnpublishable, readPublishable } from "./publishable.js";
import { actionView, renderAsset } from "./view.js";
import { addDays } from "../files/dates.js";

// Runs one action: renders the template's assets into the thread's artifact folder, applies the
// template's capability (ICP scoring, reading metrics, gathering findings, sending through a
// connector) and reports an outcome. A ledger entry per action makes a second run return the first
// run's result. An action whose capability lacks its inputs reports no outcome: it waits for a person.

export interface ExecutionEnv {
  context: StageContext;
  /** When the provider can write documents, it finishes each filled template. */
  drafter?: StageDrafter;
  onUsage?: (label: string, usage: ModelUsage) => Promise<void>;
  threadDir: string;
  connector: Connector;
  siteUrl: string;
  now: Date;
}

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

async function assetNames(template: ActionTemplate): Promise<string[]> {
  const dir = join(template.dir, "assets");
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((name) => name.endsWith(".md")).sort();
}

/** Renders the template's assets; a second action of the same type in the thread gets its own file names. */
async function renderAssets(
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

function trackedChannels(
  env: ExecutionEnv,
  view: Record<string, unknown>,
  names: readonly string[],
): Array<{ name: string; url: string; utm: string }> {
  const campaign = String(view.campaign_slug);
  return names.map((name) => {
    const medium = name === "newsletter" || name === "email" ? "email" : name === "blog" ? "organic" : "social";
    const utm = `utm_source=${name}&utm_medium=${medium}&utm_campaign=${campaign}`;
    return { name, url: `${env.siteUrl.replace(/\/$/, "")}/stories/${campaign}?${utm}`, utm };
  });
}

interface CapabilityView {
  view: Record<string, unknown>;
  /** What the capability lacks to run, known before anything is written. */
  missing?: MissingInput;
  /** How many findings an investigation gathered from the workspace. */
  found?: number;
}

/** The view with what the template's capability adds (ICP score, metrics, findings, tracked channels). */
async function capabilityView(
  env: ExecutionEnv,
  action: PlannedAction,
  template: ActionTemplate,
  plan: readonly PlannedAction[],
): Promise<CapabilityView> {
  const view = actionView(env.context, action, template, plan);
  const assets = (await assetNames(template)).map((name) => name.replace(/\.md$/, ""));
  const root = env.context.workspaceRoot;
  let missing: MissingInput | undefined;
  let found: number | undefined;
  switch (template.action.executor) {
    case "icp-score": {
      // Checked when the skill is loaded: an icp-score action states its threshold (skills/schema.ts).
      const threshold = template.action.fit_threshold!;
      const icp = icpToScore(root, env.context.outputs.input?.segment, env.context.event.text);
      // Without an ICP there is no score: `icp` stays unset and the asset says the lead was not scored.
      if ("missing" in icp) missing = icp.missing;
      else if (icp.segment) {
        view.segment = icp.segment;
        view.icp = scoreLead(root, icp.segment, env.context.event.text, threshold);
      } else {
        view.icp = {
          segment: "",
          score: 0,
          fit: false,
          threshold,
          breakdown: [],
          disqualifiers_hit: ["the lead comes near none of the ICPs in research/customer/icp/"],
        };
      }
      break;
    }
    case "metrics": {
      const rows = await readMetricsRows(root);
      const today = env.now.toISOString().slice(0, 10);
      missing = metricsMissing(rows, String(view.campaign_slug));
      view.metrics = campaignMetrics(
        rows,
        String(view.campaign_slug),
        env.context.today,
        today > env.context.today ? today : env.context.today,
      );
      break;
    }
    case "send": {
      view.channels = trackedChannels(
        env,
        view,
        assets.filter((name) => name !== "promotion-posts"),
      );
      if (assets.includes("promotion-posts")) view.channels = trackedChannels(env, view, ["linkedin"]);
      // {{links.linkedin}}: a channel's tracked link by name, for the text that is published.
      view.links = Object.fromEntries(
        (view.channels as Array<{ name: string; url: string }>).map((channel) => [channel.name, channel.url]),
      );
      break;
    }
    default: {
      // {{#findings}}: what the canvas records on the assumptions at stake, for a report's findings table.
      const findings = canvasFindings(env.context);
      view.findings = findings;
      found = findings.length;
      break;
    }
  }
  if (missing) view.missing = missing;
  return { view, ...(missing ? { missing } : {}), ...(found !== undefined ? { found } : {}) };
}

/**
 * What the action lacks to run, read from the workspace now (an investigation: from the findings
 * in the documents it wrote). Undefined when it has its inputs or its capability needs none.
 */
export async function missingInputs(
  env: ExecutionEnv,
  action: PlannedAction,
  template: ActionTemplate,
): Promise<MissingInput | undefined> {
  const root = env.context.workspaceRoot;
  switch (template.action.executor) {
    case "icp-score": {
      const icp = icpToScore(root, env.context.outputs.input?.segment, env.context.event.text);
      return "missing" in icp ? icp.missing : undefined;
    }
    case "metrics":
      return metricsMissing(await readMetricsRows(root), env.context.thread.split("/")[1]!);
    case "send":
      return undefined;
    default:
      return findingsMissing(root, action.artifacts ?? [], canvasFindings(env.context).length);
  }
}

/** What the question of an action waiting for its inputs records, for the check of an accept (inputs.ts). */
export function inputWait(
  env: ExecutionEnv,
  action: PlannedAction,
  template: ActionTemplate,
  reason: string,
): InputWait | undefined {
  switch (template.action.executor) {
    case "icp-score":
      return { needs: "icp", reason, segment: env.context.outputs.input?.segment ?? null, documents: [] };
    case "metrics":
      return { needs: "metrics", reason, campaign: env.context.thread.split("/")[1]!, documents: [] };
    case "send":
      return undefined;
    default:
      return { needs: "findings", reason, documents: action.artifacts ?? [] };
  }
}

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
  const waits = missing ?? (found !== undefined ? await findingsMissing(root, artifacts, found) : undefined);
  if (waits) return { waits, artifacts };
  const dir = artifactDir(env.context.thread, action.type, env.context.threadTypes ?? DEFAULT_THREAD_TYPES);
  const receipts: SendReceipt[] = [];
  let outcome = template.action.default_outcome ?? Object.keys(template.action.outcomes)[0]!;
  if (template.action.executor === "icp-score") {
    outcome = (view.icp as { fit: boolean }).fit ? "fit" : "poor-fit";
  }
  if (template.action.executor === "send") {
    if (!approval || approval.answer === "reject") {
      throw new RuntimeFailure(
        `policy: ${action.type} ${action.id} of ${env.context.thread} sends to customers and has no approval`,
      );
    }
    const channels = view.channels as Array<{ name: string; url: string; utm: string }>;
    const key = action.key ?? idempotencyKey(env.context.thread, action);
    const isPromotion = artifacts.some((path) => path.includes("promotion-posts"));
    // Only the publishable parts leave, and only when none still holds a placeholder: every document is
    // read and checked before the first send, so a refused one sends nothing at all. The gate refused
    // such an accept already; this holds for a file changed after it, or a question asked before the rule.
    const { documents, problems } = await readPublishable(root, artifacts);
    if (problems.length > 0) {
      throw new RuntimeFailure(
        `${action.type} ${action.id} of ${env.context.thread}: ${describeUnpublishable(problems)}; nothing was sent: mend the file, then run leanos resume ${env.context.thread}`,
      );
    }
    const messages = documents.flatMap(({ file, text, parts }) =>
      parts.map((part) => ({
        by: draftedMark(file, text),
        channel: isPromotion ? "linkedin" : file.replace(/^.*\//, "").replace(/(-act-\d+)?\.md$/, ""),
        day: part.day,
        body: part.body,
        scheduled_for: part.day > 0 ? addDays(env.context.today, part.day) : undefined,
      })),
    );
    for (const { by, ...message } of messages) {
      const channel = channels.find((candidate) => candidate.name === message.channel);
      receipts.push(
        await env.connector.send({
          idempotency_key: `${key}-${message.channel}${message.day ? `-day${message.day}` : ""}`,
          thread: env.context.thread,
          action_id: action.id,
          action_type: action.type,
          channel: message.channel,
          title: action.title,
          body: message.body,
          ...(channel ? { url: channel.url } : {}),
          ...(message.scheduled_for ? { scheduled_for: message.scheduled_for } : {}),
          approved_by: approval.by,
          ...(by ? { drafted_by: by.drafted_by, ...(by.model ? { model: by.model } : {}) } : {}),
        }),
      );
    }
    const record = join(dir, isPromotion ? "promotion-schedule.yaml" : "distribution-record.yaml");
    await writeFileAtomically(
      root,
      record,
      toYaml({
        thread: env.context.thread,
        action: action.id,
        approved_by: approval.by,
        approved_at: approval.at,
        channels,
        sends: receipts.map((receipt, index) => ({
          ...receipt,
          ...(messages[index]?.scheduled_for ? { scheduled_for: messages[index]!.scheduled_for } : {}),
        })),
      }),
    );
    artifacts.push(record);
  }
  const run: ActionRun = {
    key: action.key ?? idempotencyKey(env.context.thread, action),
    outcome,
    artifacts,
    receipts,
    at: env.now.toISOString(),
  };
  await writeJsonAtomically(env.context.workspaceRoot, ledgerPath(env, action, check), run);
  // A test hook: die right after the side effects, before the checkpoint records them.
  if (process.env.LEANOS_FAULT === `crash-after:${action.type}`) process.kill(process.pid, "SIGKILL");
  return run;
}
