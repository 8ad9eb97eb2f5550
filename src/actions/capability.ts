import type { ActionTemplate } from "../stages/context.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { assetNames } from "./assets.js";
import type { ExecutionEnv } from "./env.js";
import { canvasFindings, findingsMissing } from "./findings.js";
import { icpToScore, scoreLead } from "./icp.js";
import type { InputWait, MissingInput } from "./inputs.js";
import { campaignMetrics, metricsMissing, readMetricsRows } from "./metricsSource.js";
import { committing, valuesBreach } from "./valuesGate.js";
import { actionView } from "./view.js";

// What a template's capability (`executor`) adds to an action: an ICP score, a campaign's metrics,
// the canvas's findings, a send's tracked channels; and what it lacks to run, read from the workspace.

/** A channel a send goes to, with the campaign's tracked link for it. */
export interface Channel {
  name: string;
  url: string;
  utm: string;
}

function trackedChannels(env: ExecutionEnv, view: Record<string, unknown>, names: readonly string[]): Channel[] {
  const campaign = String(view.campaign_slug);
  return names.map((name) => {
    const medium = name === "newsletter" || name === "email" ? "email" : name === "blog" ? "organic" : "social";
    const utm = `utm_source=${name}&utm_medium=${medium}&utm_campaign=${campaign}`;
    return { name, url: `${env.siteUrl.replace(/\/$/, "")}/stories/${campaign}?${utm}`, utm };
  });
}

export interface CapabilityView {
  view: Record<string, unknown>;
  /** What the capability lacks to run, known before anything is written. */
  missing?: MissingInput;
  /** How many findings an investigation gathered from the workspace. */
  found?: number;
}

/** The view with what the template's capability adds (ICP score, metrics, findings, tracked channels). */
export async function capabilityView(
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
      view.links = Object.fromEntries((view.channels as Channel[]).map((channel) => [channel.name, channel.url]));
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
  const breach = committing(template) ? await valuesBreach(env, action, template) : undefined;
  if (breach) return breach;
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
  values?: { texts: string[]; sends: boolean },
): InputWait | undefined {
  if (values) return { needs: "values", reason, documents: action.artifacts ?? [], ...values };
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
