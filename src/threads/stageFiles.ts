import { join } from "node:path";
import { renderPlain } from "../files/plainTemplate.js";
import { stringify as toYaml } from "yaml";
import type { Review, StageContext } from "../stages/context.js";
import type { PlannedAction } from "../core/stageSchemas.js";
import { needsHuman } from "../core/policy.js";
import { writeMarkdown } from "./store.js";
import { yesNo } from "../stages/decisionRecord.js";
import type { AutonomyMode, TrustStanding } from "../core/autonomy.js";

// Stage files are markdown for people: the mustache template in the skill's assets/ renders the body,
// the front-matter carries the structured output so programs can read the file back.

export interface StageFileMeta {
  thread: string;
  stage: string;
  title: string;
  drafted_by: string;
  model: string;
  drafted_at: string;
}

export interface GateView {
  impact: number | null;
  threshold: number;
  required: boolean;
  /** Why the gate waits (gates/policy.ts); empty when the policy accepts. */
  reasons: string[];
  /** It waits on the reading itself (trust not earned, a guess): the gate shows the reading. */
  reading: boolean;
  mode: AutonomyMode;
  trust?: TrustStanding;
  /** The decision's score against the soft constraints of strategy/values.md, in words (values/soft.ts). */
  values?: string;
  /** Each constraint in prose with what the drafter judged of it (values/judgement.ts). */
  judged?: string[];
}

export interface LogEntry {
  at: string;
  action_id: string;
  event: string;
}

function fallbackBody(meta: StageFileMeta, output: unknown): string {
  return `# ${meta.title}: ${meta.stage}\n\n\`\`\`yaml\n${toYaml(output).trim()}\n\`\`\`\n`;
}

/**
 * LeanOS's decision front matter (causal-flow-decision: status, impact_score, human_flagged as yes
 * or no), repeated from the output for readers of LeanOS's shape; `output` stays the whole record.
 */
function decisionFront(schema: string, output: unknown): Record<string, unknown> {
  if (schema !== "decision" || typeof output !== "object" || output === null) return {};
  const { status, impact_score, human_flagged } = output as {
    status?: unknown;
    impact_score?: unknown;
    human_flagged?: unknown;
  };
  return {
    ...(typeof status === "string" ? { status } : {}),
    ...(typeof impact_score === "number" || impact_score === null ? { impact_score } : {}),
    ...(typeof human_flagged === "boolean" ? { human_flagged: yesNo(human_flagged) } : {}),
  };
}

export function actionFileName(action: PlannedAction, all: readonly PlannedAction[]): string {
  const base = action.type.replace(":", "-");
  const sameType = all.filter((other) => other.type === action.type).length > 1;
  return `${sameType ? `${base}-${action.id}` : base}.md`;
}

/** What a stage's files are written from. */
export interface StageFilesToWrite {
  threadDir: string;
  context: StageContext;
  meta: StageFileMeta;
  output: unknown;
  gate: GateView;
  review?: Review;
  log?: LogEntry[];
  actionReviews?: Record<string, Review>;
  opportunityReviews?: Record<string, Review>;
  canvasReview?: Review & { commit?: string };
}

/** Writes a stage's file(s) and returns their paths relative to the thread folder. */
export async function writeStageFiles(args: StageFilesToWrite): Promise<string[]> {
  const { threadDir, context, meta, output, gate, review, canvasReview } = args;
  const skill = context.skill;
  const opportunities = (output as { opportunities?: object[] }).opportunities?.map((opportunity, index) => ({
    ...opportunity,
    id: `opp-${index + 1}`,
    review: args.opportunityReviews?.[`opp-${index + 1}`],
  }));
  const front = {
    thread: meta.thread,
    stage: meta.stage,
    ...decisionFront(skill.stage.output, output),
    skill: skill.name,
    drafted_by: meta.drafted_by,
    model: meta.model,
    drafted_at: meta.drafted_at,
    review,
    canvas_review: canvasReview,
    opportunity_reviews: opportunities ? args.opportunityReviews : undefined,
    output,
  };
  const view = {
    ...(output as object),
    ...(opportunities ? { opportunities } : {}),
    meta,
    gate,
    review,
    canvas_review: canvasReview,
    log: args.log ?? [],
  };
  const body = skill.templates.output ? renderPlain(skill.templates.output, view) : fallbackBody(meta, output);
  if (!skill.stage.file.endsWith("/")) {
    await writeMarkdown(context.workspaceRoot, join(threadDir, skill.stage.file), front, body);
    return [skill.stage.file];
  }
  // A folder stage (5-actions/): the plan and its log, then one file per action.
  const folder = skill.stage.file;
  const written = [`${folder}execution-log.md`];
  await writeMarkdown(context.workspaceRoot, join(threadDir, written[0]!), front, body);
  const actions = ((output as { actions?: PlannedAction[] }).actions ?? []) as PlannedAction[];
  for (const action of actions) written.push(await writeActionFile(args, action, actions));
  return written;
}

/** One action's file in a folder stage (5-actions/): the action, its template, its log and review. */
async function writeActionFile(
  args: StageFilesToWrite,
  action: PlannedAction,
  actions: readonly PlannedAction[],
): Promise<string> {
  const { threadDir, context, meta } = args;
  const skill = context.skill;
  const template = context.actionTemplates.get(action.type);
  const actionView = {
    action,
    template: template
      ? {
          name: template.name,
          description: template.description,
          owner: template.action.owner,
          duration_days: template.action.duration_days,
          // Whether the template makes it wait, as the approval policy reads it (a send always does).
          human_required: needsHuman(template),
        }
      : {},
    meta,
    log: (args.log ?? []).filter((entry) => entry.action_id === action.id),
    review: args.actionReviews?.[action.id],
  };
  const actionBody = skill.templates.action
    ? renderPlain(skill.templates.action, actionView)
    : fallbackBody(meta, action);
  const file = `${skill.stage.file}${actionFileName(action, actions)}`;
  await writeMarkdown(
    context.workspaceRoot,
    join(threadDir, file),
    {
      thread: meta.thread,
      action: action.id,
      type: action.type,
      owner: action.owner,
      human_required: action.human_required,
      due: action.due,
      status: action.status,
      drafted_by: meta.drafted_by,
      review: args.actionReviews?.[action.id],
    },
    actionBody,
  );
  return file;
}
