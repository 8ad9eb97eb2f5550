import { stringify as toYaml } from "yaml";
import { canvasExcerpt, type Canvas } from "../canvas/canvas.js";
import { roleSays } from "../canvas/layouts.js";
import { actionTemplates, type SkillSet } from "../skills/loader.js";
import type { RawEvent, StageContext } from "../stages/context.js";
import type { OutputSchemaName, StageOutputs } from "../core/stageSchemas.js";
import { render } from "./prompt.js";
import { companyName } from "../canvas/canvas.js";
import { stageToolName } from "./tools.js";
import type { Lessons } from "../memory/recall.js";
import { DEFAULT_THREAD_TYPES, type ThreadTypes } from "../core/threadTypes.js";
import { lessonsText, unclosable } from "./lessonsBlock.js";
import { goalsBlock, valuesBlock } from "./workspaceBlocks.js";
import type { DocumentsToWrite, FollowingCalls, PromptBasis } from "../stages/drafter.js";

// How a model request is laid out so the provider's prompt cache can serve it. The cache is a prefix
// in the order tools, system, messages, so:
// - every call of a workspace sends the same tools (tools.ts) and the same system blocks: the ground
//   rules with every stage's instructions (breakpoint), then the canvas (breakpoint), so a canvas
//   change keeps the first part cached;
// - a thread's message grows only at its end: the event, then each recorded stage, then the request
//   of this call. The last block before the request is the third breakpoint, so each call of a
//   thread reads what the one before it wrote;
// - what the workspace's memory teaches (worked examples and confirmed rules, lessonsBlock.ts) is a
//   block of the user message just after the event. Not in the system: it differs from event to
//   event, and the system blocks are the prefix every call of the workspace shares. Not last: it is
//   the same for every call of one thread (recall runs again for every stage, so only its parts that
//   stay put while the memory does are shown: the nearest examples and the rules), so as part of the
//   thread's history it is cached with the event and read back by each later call. With nothing
//   recalled there is no block, and the request is byte for byte what it was without a memory.

export interface TextBlock {
  text: string;
  /** A cache breakpoint after this block. */
  breakpoint?: boolean;
}

export interface ModelRequest {
  /** The system blocks: the same for every call of the workspace while its canvas stands. */
  system: TextBlock[];
  /** The user message: the thread's history (event, recorded stages) and this call's request last. */
  user: TextBlock[];
  /** The tool the request asks for. */
  tool: string;
  /** The workspace's thread types: the tools sent list them (tools.ts). */
  threadTypes: ThreadTypes;
  /** Which later calls of this process share the prefix (cachePlan.ts marks breakpoints for them). */
  following: FollowingCalls;
}

/** Stages in the order a thread goes through them; a workspace's own stages come after, by name. */
const STAGE_ORDER = ["input", "hypothesis", "implication", "decision", "actions", "learning"];

function stageSkills(skills: SkillSet) {
  const rank = (stage: string): number =>
    STAGE_ORDER.includes(stage) ? STAGE_ORDER.indexOf(stage) : STAGE_ORDER.length;
  return [...skills.values()]
    .flatMap((skill) => (skill.stage ? [{ ...skill, stage: skill.stage }] : []))
    .sort((a, b) => rank(a.stage.stage) - rank(b.stage.stage) || a.name.localeCompare(b.name));
}

const systemCache = new WeakMap<SkillSet, WeakMap<Canvas, Map<string, TextBlock[]>>>();

/** The sections the canvas has not got yet (it is filled in phases), said so the model does not look for them. */
const missingSections = (canvas: Canvas): string =>
  canvas.missing.length === 0
    ? ""
    : `\n\nNot in the canvas yet: ${canvas.missing.map((role) => `no ${role} section (${roleSays(role)})`).join("; ")}.`;

/** The system blocks of every call in the workspace (built once per skill set and canvas). */
export function systemBlocks(basis: PromptBasis): TextBlock[] {
  const byCanvas = systemCache.get(basis.skills) ?? new WeakMap<Canvas, Map<string, TextBlock[]>>();
  systemCache.set(basis.skills, byCanvas);
  const byTypes = byCanvas.get(basis.canvas) ?? new Map<string, TextBlock[]>();
  byCanvas.set(basis.canvas, byTypes);
  const types = basis.threadTypes ?? DEFAULT_THREAD_TYPES;
  const typesKey = types.names.join(",");
  const cached = byTypes.get(typesKey);
  if (cached) return cached;
  const { canvas, skills } = basis;
  const company = companyName(canvas);
  const rules = render("system", {
    company,
    mode: canvas.mode,
    business: types.business,
    declared: types.declared.map((type) => `"${type}"`).join(", "),
    allowed: `action types: ${[...actionTemplates(skills).keys()].join(", ") || "(none)"}`,
    stages: stageSkills(skills).map((skill) => ({
      stage: skill.stage.stage,
      skill: skill.name,
      tool: stageToolName(skill.stage.output),
      sections: skill.stage.sections?.join(", "),
      canvas: skill.stage.canvas?.join(", "),
      instructions: skill.body.trim(),
    })),
  });
  const canvasText = render("canvas", {
    company,
    canvas: `${canvasExcerpt(canvas, [...canvas.sections.keys()])}\n\nAssumption ids: ${canvas.assumptions.map((assumption) => assumption.id).join(", ") || "(none)"}${missingSections(canvas)}`,
  });
  const blocks = [
    { text: rules, breakpoint: true },
    { text: canvasText, breakpoint: true },
  ];
  byTypes.set(typesKey, blocks);
  return blocks;
}

/** The thread's history: its event, what the memory teaches of it, then each stage recorded so far in the order they ran. */
function historyBlocks(
  event: RawEvent,
  outputs: Partial<StageOutputs>,
  order: readonly string[],
  lessons: Lessons | undefined,
): TextBlock[] {
  // An event that writes </event> cannot close its own fence and speak as the request.
  const blocks: TextBlock[] = [{ text: render("event", { ...event, text: unclosable(event.text) }) }];
  const taught = lessonsText(lessons);
  if (taught) blocks.push({ text: taught });
  const names = Object.keys(outputs).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const name of names)
    blocks.push({
      text: render("stage-output", { stage: name, yaml: toYaml(outputs[name as OutputSchemaName]).trim() }),
    });
  const last = blocks[blocks.length - 1]!;
  last.breakpoint = true;
  return blocks;
}

const outputOrder = (skills: SkillSet): string[] => stageSkills(skills).map((skill) => skill.stage.output);

/** A classification is always followed by the thread's first stage in the same run. */
export function classifyRequest(event: RawEvent, basis: PromptBasis): ModelRequest {
  return {
    following: "thread",
    system: systemBlocks(basis),
    user: [...historyBlocks(event, {}, [], basis.lessons), { text: render("classify", {}) }],
    tool: "classify_event",
    threadTypes: basis.threadTypes ?? DEFAULT_THREAD_TYPES,
  };
}

export function stageRequest(context: StageContext, following: FollowingCalls = "none"): ModelRequest {
  const tool = stageToolName(context.skill.stage.output);
  const request = render("stage", {
    thread: context.thread,
    type: context.type,
    today: context.today,
    stage: context.skill.stage.stage,
    tool,
    feedback: context.feedback,
  });
  return {
    following,
    system: systemBlocks(context),
    user: [
      ...historyBlocks(context.event, context.outputs, outputOrder(context.skills), context.lessons),
      ...goalsBlock(context),
      ...valuesBlock(context),
      { text: request },
    ],
    tool,
    threadTypes: context.threadTypes ?? DEFAULT_THREAD_TYPES,
  };
}

export function documentsRequest(request: DocumentsToWrite): ModelRequest {
  const { context } = request;
  const text = render("documents", {
    thread: context.thread,
    id: request.action.id,
    type: request.action.type,
    instructions: request.instructions.trim(),
    documents: request.documents,
  });
  return {
    following: request.following ?? "none",
    system: systemBlocks(context),
    user: [...historyBlocks(context.event, context.outputs, outputOrder(context.skills), context.lessons), { text }],
    tool: "write_documents",
    threadTypes: context.threadTypes ?? DEFAULT_THREAD_TYPES,
  };
}
